import GreencapCore

/// Exponential backoff with jitter between attempts that failed in a way that may pass (5xx, 429, a refused
/// or dropped connection, a timeout). The spec asks senders to back off; the jitter keeps collectors that
/// lost the receiver together from coming back together.
public struct BackoffPolicy: Sendable, Equatable {
    /// Retries after the first attempt; the request is given up after `retries + 1` attempts.
    public var retries: Int
    public var base: Duration
    public var cap: Duration

    public init(retries: Int = 5, base: Duration = .milliseconds(500), cap: Duration = .seconds(30)) {
        self.retries = retries
        self.base = base
        self.cap = cap
    }

    /// Wait before retry `attempt` (1-based): half of base·2^(attempt−1), capped, plus a random part of up to
    /// the same size. A receiver's Retry-After (429/503) raises the wait, never past the cap.
    public func delay(attempt: Int, retryAfter: Duration? = nil, random: Double = Double.random(in: 0..<1)) -> Duration {
        let jittered = ExponentialBackoff(base: base, cap: cap).delay(attempt: attempt, random: random)
        guard let retryAfter else { return jittered }
        return max(jittered, min(retryAfter, cap))
    }
}
