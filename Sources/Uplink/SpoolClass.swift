/// What a spooled record carries. The class decides what is given up first when the spool is full:
/// samples (bulk, and a coarser history is still useful) before events, events before audit records
/// (cap changes, which invariant 7 says must reach the collector).
public enum SpoolClass: UInt8, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    case samples = 1
    case events = 2
    case audit = 3

    public static func < (lhs: SpoolClass, rhs: SpoolClass) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .samples: "samples"
        case .events: "events"
        case .audit: "audit"
        }
    }
}
