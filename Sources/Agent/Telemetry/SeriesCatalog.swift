import Wire

/// Every series this node has ever reported, with a stable id, so batches spooled before a restart still mean
/// what they meant when they are sent after it (the collector learns ids per connection from the dictionary).
///
/// Ids are handed out in order of first appearance, which keeps a node's columns consecutive and their ids
/// implicit on the wire. Persisted as one line per series by the uplink's own thread (`lines`, `load`).
struct SeriesCatalog: Sendable {
    struct Key: Hashable, Sendable {
        var metric: String
        var labels: [SeriesDefinition.Label]
    }

    private(set) var definitions: [SeriesDefinition] = []
    private var ids: [Key: UInt32] = [:]
    /// Definitions added since the last `takeNew()`: to persist and to send on the open connection.
    private var fresh: [SeriesDefinition] = []
    let limit: Int

    init(limit: Int = WireLimits.standard.maxSeriesPerConnection) { self.limit = limit }

    /// The id for a series, allocating one the first time; nil once the catalog is full.
    mutating func id(
        _ metric: String, _ labels: [SeriesDefinition.Label], unit: String, decimals: Int8 = 0,
        kind: SeriesDefinition.Kind = .gauge
    ) -> UInt32? {
        let key = Key(metric: metric, labels: labels)
        if let id = ids[key] { return id }
        guard definitions.count < limit else { return nil }
        let definition = SeriesDefinition(
            id: UInt32(definitions.count), metric: metric, labels: labels, unit: unit, decimals: decimals, kind: kind)
        ids[key] = definition.id
        definitions.append(definition)
        fresh.append(definition)
        return definition.id
    }

    mutating func takeNew() -> [SeriesDefinition] {
        defer { fresh.removeAll() }
        return fresh
    }

    /// One tab-separated line: id, metric, labels (`k=v,k=v`), unit, decimals, kind.
    static func line(_ definition: SeriesDefinition) -> String {
        let labels = definition.labels.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
        return "\(definition.id)\t\(definition.metric)\t\(labels)\t\(definition.unit)\t\(definition.decimals)\t\(definition.kind.rawValue)"
    }

    /// Rebuilds the catalog from saved lines; a line that does not parse ends the load there (ids must stay
    /// dense), and the rest is reported by the caller.
    static func load(_ text: String) -> (catalog: SeriesCatalog, badLine: Int?) {
        var catalog = SeriesCatalog()
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 6, let id = UInt32(fields[0]), id == catalog.definitions.count, let decimals = Int8(fields[4]),
                let kindRaw = UInt8(fields[5]), let kind = SeriesDefinition.Kind(rawValue: kindRaw)
            else { return (catalog, number + 1) }
            let labels = fields[2].isEmpty
                ? []
                : fields[2].split(separator: ",").map { pair -> SeriesDefinition.Label in
                    let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    return SeriesDefinition.Label(parts[0], parts.count > 1 ? parts[1] : "")
                }
            _ = catalog.id(fields[1], labels, unit: fields[3], decimals: decimals, kind: kind)
        }
        _ = catalog.takeNew()
        return (catalog, nil)
    }
}
