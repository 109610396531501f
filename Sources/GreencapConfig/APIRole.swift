/// What an API token may do. Ordered: each role may do everything the ones before it may.
public enum APIRole: String, Sendable, Equatable, Comparable, CaseIterable, CustomStringConvertible {
    /// Reads: nodes, telemetry, caps, audit, grid.
    case viewer
    /// Reads, including green hours and job windows (the energy team's questions are reads too).
    case energy
    /// Sets and clears caps.
    case engineer
    /// Everything, including anything marked admin-only.
    case admin

    public static func < (a: APIRole, b: APIRole) -> Bool { a.rank < b.rank }

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    public var description: String { rawValue }
}
