import RemoteWrite
import Wire

/// Stored series → remote-write series, following `GreencapSeries`' convention (docs/remote-write.md):
/// `__name__` = `greencap_` + the agent's metric (already `<subsystem>_<quantity>_<unit>`), `_total` added to
/// counters; location labels `site,row,rack,node` when known; then the series' own labels.
enum ExportSeriesMapping {
    static let locationLabels: Set<String> = ["site", "row", "rack", "node"]

    static func metricName(_ metric: String, isCounter: Bool) -> String {
        var name = sanitized(metric, allowColon: true)
        if !name.hasPrefix(GreencapSeries.prefix) { name = GreencapSeries.prefix + name }
        if isCounter && !name.hasSuffix("_total") { name += "_total" }
        return name
    }

    static func labels(_ series: ExportSeries) -> [Label] {
        var labels = [Label(Label.metricName, metricName(series.metric, isCounter: series.isCounter)), Label("node", series.node)]
        for (name, value) in [("site", series.site), ("row", series.row), ("rack", series.rack)] {
            if let value, !value.isEmpty { labels.append(Label(name, value)) }
        }
        for pair in series.labels.split(separator: ",", omittingEmptySubsequences: true) {
            guard let equals = pair.firstIndex(of: "=") else { continue }
            var name = sanitized(String(pair[..<equals]), allowColon: false)
            // The location is the collector's to say; an agent label of the same name (or a reserved `__` one)
            // is kept under Prometheus' own prefix for clashes rather than silently replacing it.
            if locationLabels.contains(name) || name.hasPrefix("__") { name = "exported_" + name }
            labels.append(Label(name, String(pair[pair.index(after: equals)...])))
        }
        return labels
    }

    /// Wire integer → real value: the integer is value × 10^decimals. Dividing by an exact power of ten
    /// gives the correctly rounded double, the same one parsing the decimal text would give.
    static func value(_ raw: Int64, decimals: Int) -> Double {
        if decimals == 0 { return Double(raw) }
        let scale = power(of10: abs(decimals))
        return decimals > 0 ? Double(raw) / scale : Double(raw) * scale
    }

    private static func power(of10 exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<min(exponent, 308) { result *= 10 }
        return result
    }

    /// Prometheus' name rules: `[a-zA-Z_:][a-zA-Z0-9_:]*` for metrics, no `:` for labels; anything else → `_`.
    static func sanitized(_ text: String, allowColon: Bool) -> String {
        var scalars = String.UnicodeScalarView()
        for (index, scalar) in text.unicodeScalars.enumerated() {
            let value = scalar.value
            let lower = (0x61...0x7A).contains(value)  // a-z
            let upper = (0x41...0x5A).contains(value)  // A-Z
            let letter = lower || upper || value == 0x5F || (allowColon && value == 0x3A)  // _ and :
            let digit = (0x30...0x39).contains(value)
            scalars.append(letter || (digit && index > 0) ? scalar : "_")
        }
        return scalars.isEmpty ? "_" : String(scalars)
    }

    /// The chunks of one request, grouped per series, samples sorted by time with repeats dropped (a chunk
    /// resent under a new sequence would otherwise give the validator two samples at one time). Chunks
    /// that do not decode, or whose series row is missing, are counted and left out.
    static func timeSeries(_ chunks: [ExportChunk]) -> (series: [TimeSeries], undecodable: Int) {
        var order: [Int64] = []
        var grouped: [Int64: (labels: [Label], samples: [Sample])] = [:]
        var undecodable = 0
        for chunk in chunks {
            guard let series = chunk.series, let decoded = try? SampleColumnChunk(decoding: chunk.data) else {
                undecodable += 1
                continue
            }
            if grouped[chunk.seriesID] == nil {
                order.append(chunk.seriesID)
                grouped[chunk.seriesID] = (labels(series), [])
            }
            for (time, raw) in zip(decoded.timestamps, decoded.values) {
                grouped[chunk.seriesID]?.samples.append(Sample(value: value(raw, decimals: series.decimals), timestamp: time))
            }
        }
        var result: [TimeSeries] = []
        for id in order {
            guard let entry = grouped[id] else { continue }
            var samples: [Sample] = []
            for sample in entry.samples.sorted(by: { $0.timestamp < $1.timestamp }) where samples.last?.timestamp != sample.timestamp {
                samples.append(sample)
            }
            if !samples.isEmpty { result.append(TimeSeries(labels: entry.labels, samples: samples)) }
        }
        return (result, undecodable)
    }
}
