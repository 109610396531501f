import GreencapCore

/// One GPU as read this tick.
public struct GPUReading: Sendable, Hashable {
    /// Power now (NVML's instantaneous field is the better input: the 1 s average lags the loop).
    public var power: Milliwatts
    /// The limit the GPU enforces now, as read back.
    public var enforcedLimit: Milliwatts
    public var minimumLimit: Milliwatts
    public var maximumLimit: Milliwatts
    public var defaultLimit: Milliwatts
    /// The GPU reports that it is held back by its power limit (clock-event reason SW_POWER_CAP).
    public var pinned: Bool

    public init(
        power: Milliwatts, enforcedLimit: Milliwatts, minimumLimit: Milliwatts, maximumLimit: Milliwatts,
        defaultLimit: Milliwatts, pinned: Bool
    ) {
        self.power = power
        self.enforcedLimit = enforcedLimit
        self.minimumLimit = minimumLimit
        self.maximumLimit = maximumLimit
        self.defaultLimit = defaultLimit
        self.pinned = pinned
    }
}

/// Everything about the node except its GPUs, as known this tick.
public struct NodeConditions: Sendable, Hashable {
    /// Milliseconds on the caller's clock: Unix time in the agent, virtual time in a simulation.
    public var now: Int64
    /// The target from the rules (`CapRuleSet.evaluate`), before safety overrides.
    public var target: NodeTarget
    /// The node's power from its PDU outlets, when there is a PDU.
    public var pduPower: Milliwatts?
    public var upsOnBattery: Bool
    /// When the policy lease from the collector ends; nil: no lease ever received.
    public var leaseExpiresAt: Int64?
    /// When the green score was last updated; nil: never.
    public var feedUpdatedAt: Int64?

    public init(
        now: Int64, target: NodeTarget, pduPower: Milliwatts? = nil, upsOnBattery: Bool = false,
        leaseExpiresAt: Int64?, feedUpdatedAt: Int64?
    ) {
        self.now = now
        self.target = target
        self.pduPower = pduPower
        self.upsOnBattery = upsOnBattery
        self.leaseExpiresAt = leaseExpiresAt
        self.feedUpdatedAt = feedUpdatedAt
    }
}
