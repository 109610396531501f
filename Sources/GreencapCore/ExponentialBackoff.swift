/// Doubling waits with "equal jitter": before retry `attempt` (1-based) wait half of base·2^(attempt−1),
/// capped, plus a random part of up to the same size. The random half keeps a fleet (or several collectors)
/// that failed at the same instant from retrying at the same instant; the fixed half keeps the wait growing.
/// The one backoff formula behind the live feeds' retries, remote-write's and the agent's reconnects.
public struct ExponentialBackoff: Sendable, Equatable {
    public var base: Duration
    public var cap: Duration

    public init(base: Duration, cap: Duration) {
        self.base = base
        self.cap = cap
    }

    /// `random` in 0…1 (clamped): the jitter draw, a parameter so tests can pin it.
    public func delay(attempt: Int, random: Double) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let full = min(base * (1 << exponent), cap)
        return full / 2 + (full / 2) * min(max(random, 0), 1)
    }
}
