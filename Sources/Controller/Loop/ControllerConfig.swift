import GreencapCore

/// Settings of one node's control loop. Every default is what a node gets with no configuration beyond its
/// safe and emergency caps.
public struct ControllerConfig: Sendable, Hashable {
    /// How often the loop runs: 1 s by default, 100 ms at the fastest.
    public var tick: Duration = .seconds(1)
    /// Where the node goes when the lease has expired, the feed is stale or a rule was rejected.
    public var safeCap: Milliwatts
    /// Where the node goes, in the same tick, when its UPS runs on battery.
    public var emergencyCap: Milliwatts
    /// How long mains must be back without interruption before the emergency cap is released.
    public var mainsStableHold: Duration = .seconds(60)
    /// The green score is stale (→ safe cap) when its last update is older than this.
    public var feedStaleAfter: Duration = .seconds(2 * 3600)

    /// Non-GPU power (CPUs, fans, NICs, PSU losses) used when there is no plausible PDU reading.
    public var nonGPUEstimate: Milliwatts = .watts(900)
    /// Time constant of the smoothing of PDU − GPU sum.
    public var nonGPUSmoothing: Duration = .seconds(2)
    /// A PDU reading above this is implausible (a wrong register, a wrong outlet map) and ignored; nil: twice
    /// the node's GPU maximums plus the non-GPU estimate. Set it to ~1.5 × the node's breaker share.
    public var pduImplausibleAbove: Milliwatts?

    /// A GPU limit changes only when the new value differs by more than this (raises; lowering that the
    /// budget needs always happens).
    public var deadband: Milliwatts = .watts(5)
    /// Headroom a GPU below its limit keeps above its present draw when power is shared out by demand.
    public var demandHeadroom: Milliwatts = .watts(50)
    /// A GPU drawing within this of its limit counts as pinned at it (wants more), even without the
    /// power-cap clock-event reason.
    public var pinnedMargin: Milliwatts = .watts(10)

    /// How fast the node target may rise, per second. Lowering is immediate.
    public var raiseRatePerSecond: Milliwatts = .watts(1000)
    /// Each raise starts after a per-node delay in 0…window, fixed by a hash of the node id, so a fleet that
    /// sees the same change at the same instant spreads its raises over the window.
    public var raiseJitterWindow: Duration = .seconds(10)

    /// Integral gain of the closed-loop correction, per second: watts of correction per watt·second of
    /// measured power above target.
    public var correctionGain: Double = 0.5
    /// The correction never exceeds this fraction of the target (anti-windup).
    public var correctionLimitFraction: Double = 0.15
    /// Errors within this fraction of the target do not move the correction (noise).
    public var correctionDeadbandFraction: Double = 0.01

    /// After a write, how long before read-back may call a differing enforced limit drift.
    public var readBackGrace: Duration = .milliseconds(1500)
    /// Enforced and set limits further apart than this are drift.
    public var driftTolerance: Milliwatts = .watts(1)

    /// A GPU drawing more than its enforced limit by max(this, 5 %) …
    public var ignoringTolerance: Milliwatts = .watts(25)
    /// … for this long, with no limit write in that time, ignores its limit.
    public var ignoringDetectAfter: Duration = .seconds(3)
    /// A GPU flagged as ignoring its limit is cleared after drawing within its limit this long.
    public var ignoringClearAfter: Duration = .seconds(10)

    /// Compute, log and audit every change; mark none of them to be applied.
    public var dryRun = false
    public var stopBehaviour: StopBehaviour = .keepCaps

    public init(safeCap: Milliwatts, emergencyCap: Milliwatts) {
        self.safeCap = safeCap
        self.emergencyCap = emergencyCap
    }

    /// Rejects settings that would make the loop unsafe or meaningless.
    public func validate() throws(ControllerConfigError) {
        func fail(_ key: String, _ problem: String) -> ControllerConfigError { ControllerConfigError(key: key, problem: problem) }
        guard tick >= .milliseconds(100), tick <= .seconds(10) else { throw fail("tick", "must be 100 ms…10 s") }
        guard safeCap.value > 0 else { throw fail("safe_cap", "must be above zero") }
        guard emergencyCap.value > 0, emergencyCap <= safeCap else {
            throw fail("emergency_cap", "must be above zero and at most the safe cap")
        }
        guard nonGPUEstimate.value >= 0 else { throw fail("non_gpu_estimate", "must not be negative") }
        guard nonGPUSmoothing >= .zero else { throw fail("non_gpu_smoothing", "must not be negative") }
        guard deadband.value >= 0 else { throw fail("deadband", "must not be negative") }
        guard raiseRatePerSecond.value > 0 else { throw fail("raise_rate", "must be above zero") }
        guard raiseJitterWindow >= .zero, mainsStableHold >= .zero, feedStaleAfter > .zero else {
            throw fail("durations", "must not be negative")
        }
        guard correctionGain >= 0, correctionLimitFraction >= 0, correctionLimitFraction < 1,
            correctionDeadbandFraction >= 0
        else { throw fail("correction", "gain ≥ 0, limit in 0…1, deadband ≥ 0") }
        if let above = pduImplausibleAbove, above.value <= 0 { throw fail("pdu_implausible_above", "must be above zero") }
    }
}

/// A setting the controller cannot run with.
public struct ControllerConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public var key: String
    public var problem: String
    public var description: String { "controller setting '\(key)' \(problem)" }

    public init(key: String, problem: String) {
        self.key = key
        self.problem = problem
    }
}
