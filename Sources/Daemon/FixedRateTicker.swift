import ServiceLifecycle

/// A fixed-rate schedule for a daemon's main loop. After a tick that overran its slot, the missed slots
/// are skipped rather than run back to back, so a stall is never followed by a burst.
public struct FixedRateTicker: Sendable {
    private let clock = ContinuousClock()
    private var deadline: ContinuousClock.Instant

    public init() {
        deadline = clock.now
    }

    /// Sleeps until the next slot `period` after the previous one. Returns false when graceful shutdown
    /// or task cancellation cut the wait short: the loop should stop.
    public mutating func waitForNextTick(period: Duration) async -> Bool {
        deadline = deadline.advanced(by: period)
        let now = clock.now
        if deadline < now { deadline = now.advanced(by: period) }
        let wakeUp = deadline
        let clock = clock
        do {
            try await cancelWhenGracefulShutdown { try await Task.sleep(until: wakeUp, clock: clock) }
            return !Task.isShuttingDownGracefully
        } catch {
            return false
        }
    }
}
