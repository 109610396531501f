import GreencapCore

/// `[policy]` in collector.toml: which cap rules the collector grants its nodes, and how long each grant lasts.
public struct PolicySettings: Sendable, Equatable {
    /// The cap rules (`greencap-rules/1` JSON: hard caps, circuits, the renewable policy; docs/controller.md).
    /// None: nodes get no policy from this collector and stay at their safe caps.
    public var rulesFile: String?
    /// How long a policy is valid without renewal: the longest a node keeps following a collector that went
    /// silent. Short enough that a dead collector leaves nodes on a stale score for minutes, not hours. The
    /// ingest server renews every `[ingest] policy_every`, which must be at most half of this.
    public var lease: Duration = .seconds(300)

    public init() {}

    static func read(_ table: TableReader) -> PolicySettings {
        var settings = PolicySettings()
        if let path = table.string("rules_file", expected: "a path to a greencap-rules/1 JSON file") {
            if path.isEmpty { table.invalid("rules_file", "expected a path, found an empty string") } else { settings.rulesFile = path }
        }
        if let lease = table.duration("lease", in: .seconds(5) ... .seconds(86400)) { settings.lease = lease }
        table.finish()
        return settings
    }
}
