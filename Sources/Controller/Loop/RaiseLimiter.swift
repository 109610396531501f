/// The node target the loop follows: lowered at once, raised at a fixed rate after the node's jitter delay
/// (invariant 4).
struct RaiseLimiter: Sendable {
    let ratePerSecond: Int64
    let jitterOffset: Int64
    private(set) var effective: Int64?
    /// When the raise in progress may start moving; nil when no raise is pending.
    private(set) var raiseStartsAt: Int64?

    init(ratePerSecond: Int64, jitterOffset: Int64) {
        self.ratePerSecond = ratePerSecond
        self.jitterOffset = jitterOffset
    }

    /// - Parameter startingPoint: on the first tick, what the node is held to now (its present limits);
    ///   a restarted agent must not jump above what was in force before it started.
    mutating func follow(requested: Int64, now: Int64, elapsed: Int64, startingPoint: Int64) -> Int64 {
        let current = effective ?? min(requested, startingPoint)
        guard requested > current else {
            effective = requested
            raiseStartsAt = nil
            return requested
        }
        let start = raiseStartsAt ?? now + jitterOffset
        raiseStartsAt = start
        var next = current
        if now >= start {
            // A limit set now holds until the next tick: each tick from the start may add one tick's worth.
            next = min(requested, current + max(1, ratePerSecond * elapsed / 1000))
        }
        effective = next
        if next == requested { raiseStartsAt = nil }
        return next
    }
}
