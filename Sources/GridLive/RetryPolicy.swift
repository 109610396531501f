import GreencapCore

/// Exponential backoff with jitter for calls that failed in a way that may pass (timeouts, 5xx, resets).
/// Never applied to a refused key or a spent quota: repeating those only burns the day's calls.
public struct RetryPolicy: Sendable, Equatable {
    /// Retries after the first attempt.
    public var retries: Int
    public var base: Duration
    public var cap: Duration

    public init(retries: Int = 3, base: Duration = .seconds(2), cap: Duration = .seconds(60)) {
        self.retries = retries
        self.base = base
        self.cap = cap
    }

    /// Wait before retry `attempt` (1-based): half of base·2^(attempt−1), capped, plus a random part of the
    /// same size, so collectors that failed together do not retry together.
    public func delay(attempt: Int, random: Double = Double.random(in: 0..<1)) -> Duration {
        ExponentialBackoff(base: base, cap: cap).delay(attempt: attempt, random: random)
    }
}
