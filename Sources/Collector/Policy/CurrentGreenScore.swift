import GreencapCore
import Synchronization

/// The green score the collector grants policies at, and when its feed last brought fresh data (wall clock,
/// Unix milliseconds). Written by the grid sources, read by the policy planner.
public final class CurrentGreenScore: Sendable {
    public struct Value: Sendable, Equatable {
        public var score: Double
        public var updatedAt: Int64
    }

    private let value = Mutex<Value?>(nil)

    public init() {}

    public func update(score: Double, at now: Int64 = Timestamp.nowMilliseconds()) {
        value.withLock { $0 = Value(score: min(1, max(0, score.isFinite ? score : 0)), updatedAt: now) }
    }

    public var current: Value? { value.withLock { $0 } }
}
