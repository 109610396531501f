/// Where a reading comes from, in the terms of a Greencap site: the labels every exported series carries.
/// Absent levels are left out rather than sent empty (an empty label is no label to Prometheus).
public struct GreencapLocation: Sendable, Hashable {
    public var site: String
    public var row: String?
    public var rack: String?
    public var node: String?
    public var gpu: String?

    public init(site: String, row: String? = nil, rack: String? = nil, node: String? = nil, gpu: String? = nil) {
        self.site = site
        self.row = row
        self.rack = rack
        self.node = node
        self.gpu = gpu
    }
}

/// The proposed naming convention for Greencap series in a Prometheus-compatible TSDB (docs/remote-write.md):
/// `greencap_<subsystem>_<quantity>_<base unit>` (Prometheus' naming guide: base units, unit suffix),
/// labels `site,row,rack,node,gpu`, plus any extra labels a metric needs. A library-level convention only:
/// which readings the collector exports is decided where it is wired up.
public enum GreencapSeries {
    public static let prefix = "greencap_"

    /// e.g. `metric(subsystem: "gpu", quantity: "power", unit: "watts")` → `greencap_gpu_power_watts`.
    public static func metricName(subsystem: String, quantity: String, unit: String) -> String {
        prefix + [subsystem, quantity, unit].filter { !$0.isEmpty }.joined(separator: "_")
    }

    /// The labels of one series, sorted as they go on the wire. `extra` must not repeat the location's names;
    /// `SeriesValidator` refuses duplicates when the series is sent.
    public static func labels(metric: String, location: GreencapLocation, extra: [Label] = []) -> [Label] {
        var labels = [Label(Label.metricName, metric), Label("site", location.site)]
        let levels: [(String, String?)] = [("row", location.row), ("rack", location.rack), ("node", location.node), ("gpu", location.gpu)]
        for (name, value) in levels {
            if let value, !value.isEmpty { labels.append(Label(name, value)) }
        }
        labels += extra
        return labels.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }
}
