import GreencapCore

/// `[api]` in collector.toml: who may use the HTTP API, and the bounds on caps set through it (docs/cli.md).
public struct APISettings: Sendable, Equatable {
    /// Hashed API tokens with roles (`greencap-collector token add`). None: reads are open to anyone who can
    /// reach [http] listen, and every write is refused until tokens exist.
    public var tokensFile: String?
    /// The longest lease an engineer may give a cap: a cap nobody renews must end on its own.
    public var maxLease: Duration = .seconds(7 * 86400)
    /// The least one node can be held to when the collector does not know its GPUs' minimums: a cap whose
    /// per-node share is below this is refused rather than left for every agent to reject.
    public var nodeFloor = Milliwatts(2_000_000)
    /// The most one node can draw: a cap above (nodes × this) is a unit mistake ("40 MW" for "40 kW"), refused.
    public var nodeCeiling = Milliwatts(20_000_000)

    public init() {}

    static func read(_ table: TableReader) -> APISettings {
        var settings = APISettings()
        if let path = table.string("tokens_file", expected: "a path to the API tokens file") {
            if path.isEmpty { table.invalid("tokens_file", "expected a path, found an empty string") } else { settings.tokensFile = path }
        }
        if let lease = table.duration("max_lease", in: .seconds(60) ... .seconds(366 * 86400)) { settings.maxLease = lease }
        let range = Milliwatts(100_000)...Milliwatts(1_000_000_000)
        if let floor = table.power("node_floor", in: range) { settings.nodeFloor = floor }
        if let ceiling = table.power("node_ceiling", in: range) { settings.nodeCeiling = ceiling }
        if settings.nodeFloor >= settings.nodeCeiling {
            table.invalid("node_ceiling", "must be above node_floor (\(settings.nodeFloor.wholeWattsText)), found \(settings.nodeCeiling.wholeWattsText)")
        }
        table.finish()
        return settings
    }
}
