/// Simulated time in milliseconds: advances only when told, so every run of a simulation is the same.
public struct VirtualClock: Sendable, Hashable {
    public private(set) var now: Int64

    public init(start: Int64 = 0) { now = start }

    public mutating func advance(by milliseconds: Int64) { now += max(0, milliseconds) }
}
