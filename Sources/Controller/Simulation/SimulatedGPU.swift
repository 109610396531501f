#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One GPU's power: it approaches min(demand, enforced limit) with a first-order lag; a limit write takes
/// effect after a delay (the driver applies it, the firmware's controller follows). A GPU can be made to
/// ignore its limit, or be reset (enforced limit back to its default).
public struct SimulatedGPU: Sendable, Hashable {
    public var minimumLimit: Double
    public var maximumLimit: Double
    public var defaultLimit: Double
    public private(set) var enforcedLimit: Double
    public private(set) var power: Double
    public var workload: WorkloadProfile
    public var phase: Int64
    /// Draws its demand whatever its limit says (a firmware fault).
    public var ignoresLimit = false
    /// Demand at the GPU's present time, evaluated once per step and held through it (the NVML simulator
    /// holds the demand over each sub-step the same way).
    public private(set) var demand: Double = 0
    private var pendingLimit: Double?
    private var pendingAt: Int64 = 0

    public init(
        minimumLimit: Double = 200, maximumLimit: Double = 700, defaultLimit: Double = 700,
        workload: WorkloadProfile, phase: Int64 = 0
    ) {
        self.minimumLimit = minimumLimit
        self.maximumLimit = maximumLimit
        self.defaultLimit = defaultLimit
        self.enforcedLimit = defaultLimit
        self.workload = workload
        self.phase = phase
        self.power = 0
    }

    /// A limit write at `now`, in force from `now + delay`; clamped to the GPU's range like NVML does.
    public mutating func setLimit(_ watts: Double, now: Int64, delay: Int64) {
        let clamped = min(maximumLimit, max(minimumLimit, watts))
        if delay <= 0 {
            enforcedLimit = clamped
            pendingLimit = nil
        } else {
            pendingLimit = clamped
            pendingAt = now + delay
        }
    }

    /// A GPU reset: the driver forgets the limit.
    public mutating func reset() {
        enforcedLimit = defaultLimit
        pendingLimit = nil
    }

    /// Starts at the power it would settle at, so runs begin in steady state.
    public mutating func settle(at time: Int64) {
        demand = workload.demand(at: time, phase: phase)
        power = drawTarget
    }

    /// Whether it is held back by its limit now.
    public var pinned: Bool { !ignoresLimit && demand > enforcedLimit }

    /// Advances from `time` by `elapsed` ms with the lag's time constant `tau` (ms). `wholeStepDecay` is
    /// exp(-elapsed/τ), passed in so a fleet of GPUs on the same tick computes it once; a write landing inside
    /// the step splits it in two, each solved exactly.
    public mutating func advance(from time: Int64, by elapsed: Int64, tau: Double, wholeStepDecay: Double) {
        if let pending = pendingLimit, pendingAt < time + elapsed {
            let before = max(0, pendingAt - time)
            if before > 0 { follow(drawTarget, exp(-Double(before) / tau)) }
            enforcedLimit = pending
            pendingLimit = nil
            let after = elapsed - before
            if after > 0 { follow(drawTarget, exp(-Double(after) / tau)) }
        } else {
            follow(drawTarget, wholeStepDecay)
        }
        demand = workload.demand(at: time + elapsed, phase: phase)
    }

    private var drawTarget: Double { ignoresLimit ? demand : min(demand, enforcedLimit) }

    private mutating func follow(_ target: Double, _ decay: Double) {
        power = target + (power - target) * decay
    }
}
