/// What a series id stands for on one connection. Sent once, before the first batch that uses the id, so a
/// sample costs its value and not its name.
public struct SeriesDefinition: Sendable, Hashable {
    public struct Label: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public enum Kind: UInt8, Sendable, Hashable {
        case gauge = 0
        /// Only grows (until a reset): energy counters.
        case counter = 1
    }

    public var id: UInt32
    public var metric: String
    public var labels: [Label]
    /// UCUM-style unit of the real value: "W", "J", "Cel", "MHz", "%", "MiBy", "s", "V", "1".
    public var unit: String
    /// The integer on the wire is the real value × 10^decimals (negative: coarser than the unit).
    public var decimals: Int8
    public var kind: Kind

    public init(id: UInt32, metric: String, labels: [Label] = [], unit: String, decimals: Int8 = 0, kind: Kind = .gauge) {
        self.id = id
        self.metric = metric
        self.labels = labels
        self.unit = unit
        self.decimals = decimals
        self.kind = kind
    }
}

/// The series one connection has defined; the decoder refuses a sample for any other id.
public struct SeriesRegistry: Sendable, Hashable {
    public private(set) var definitions: [UInt32: SeriesDefinition] = [:]
    public let limit: Int

    public init(limit: Int = WireLimits.standard.maxSeriesPerConnection) { self.limit = limit }

    public func contains(_ id: UInt32) -> Bool { definitions[id] != nil }

    /// Adds all entries or none. Repeating a definition unchanged is allowed (a resent dictionary after a
    /// lost ack); changing one is not: a series keeps its meaning for the whole connection.
    public mutating func add(_ entries: [SeriesDefinition]) throws(WireError) {
        var added = definitions
        for entry in entries {
            if let existing = added[entry.id] {
                guard existing == entry else {
                    throw WireError(.seriesRedefined(entry.id), messageType: MessageType.seriesDictionary.rawValue, field: "id")
                }
                continue
            }
            guard added.count < limit else {
                throw WireError(
                    .countBeyondLimit(count: UInt64(added.count + 1), limit: limit),
                    messageType: MessageType.seriesDictionary.rawValue, field: "series")
            }
            added[entry.id] = entry
        }
        definitions = added
    }
}
