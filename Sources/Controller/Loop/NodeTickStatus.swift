import GreencapCore

/// Conditions the loop reports; each is logged once when it starts and once when it ends.
public struct ControllerAlerts: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// At least one GPU draws above its enforced limit.
    public static let gpuIgnoringLimit = ControllerAlerts(rawValue: 1 << 0)
    /// The GPU budget is below the sum of the GPUs' minimum limits: the node cannot meet its target.
    public static let budgetBelowGPUMinimums = ControllerAlerts(rawValue: 1 << 1)
    /// The PDU reading was ignored (negative, far above the breaker, below the GPUs' own draw).
    public static let pduImplausible = ControllerAlerts(rawValue: 1 << 2)
    /// The UPS emergency cap is in force.
    public static let upsEmergency = ControllerAlerts(rawValue: 1 << 3)
    /// The lease expired or the feed is stale: the safe cap is in force.
    public static let safeCap = ControllerAlerts(rawValue: 1 << 4)
}

/// What one tick decided.
public struct NodeTickStatus: Sendable, Hashable {
    /// The target after the safety overrides (lease, feed, UPS).
    public var requestedCap: Milliwatts
    /// The target the loop follows now: `requestedCap` reached at the raise rate, after the node's jitter.
    public var effectiveCap: Milliwatts
    public var cause: TargetCause
    /// PDU power when plausible, else the GPUs' sum plus the non-GPU estimate.
    public var measuredPower: Milliwatts
    public var nonGPUEstimate: Milliwatts
    /// Watts taken off the GPU budget by the closed loop.
    public var correction: Milliwatts
    public var gpuBudget: Milliwatts
    public var alerts: ControllerAlerts
    /// Bit i set: GPU i ignores its limit.
    public var ignoringGPUs: UInt64
    /// When a pending raise begins (after the node's jitter), if one is pending.
    public var raiseStartsAt: Int64?

    static let initial = NodeTickStatus(
        requestedCap: Milliwatts(0), effectiveCap: Milliwatts(0), cause: .noPolicy, measuredPower: Milliwatts(0),
        nonGPUEstimate: Milliwatts(0), correction: Milliwatts(0), gpuBudget: Milliwatts(0), alerts: [],
        ignoringGPUs: 0, raiseStartsAt: nil)
}
