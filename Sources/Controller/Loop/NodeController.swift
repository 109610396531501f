import GreencapCore
import Logging

/// One node's control loop: called every tick with the node's readings, it decides the GPU limits.
///
/// Pure: it reads no clock and touches no device. The agent feeds it NVML and Modbus readings and writes the
/// `changes`; the collector and the simulations feed it models. Per-tick work reuses its arrays, so a tick
/// allocates nothing unless a limit changes and a log line is written.
public struct NodeController: Sendable {
    public let nodeID: String
    public let config: ControllerConfig
    /// The limits decided by the last `step`, to write (unless marked dry-run).
    public private(set) var changes: [LimitChange] = []
    /// What the last `step` decided.
    public private(set) var status: NodeTickStatus = .initial

    private let tickMilliseconds: Int64
    private let readBackGrace: Int64
    private let feedStaleAfter: Int64
    private let ignoringDetectAfter: Int64
    private let ignoringClearAfter: Int64
    private var raise: RaiseLimiter
    private var ups: UPSEmergencyLatch
    private var nonGPU: NonGPUPowerEstimator
    private var correction: ClosedLoopCorrection
    private var logger: Logger?
    private var lastNow: Int64?
    private var lastEffective: Int64?
    private var lastCorrection: Int64 = 0
    private var lastSaturated = false

    /// Per GPU, sized when the GPU count changes.
    private var slots: [GPUSlot] = []

    public init(nodeID: String, config: ControllerConfig, logger: Logger? = nil) throws(ControllerConfigError) {
        try config.validate()
        self.nodeID = nodeID
        self.config = config
        self.logger = logger
        tickMilliseconds = config.tick.wholeMilliseconds
        readBackGrace = config.readBackGrace.wholeMilliseconds
        feedStaleAfter = config.feedStaleAfter.wholeMilliseconds
        ignoringDetectAfter = config.ignoringDetectAfter.wholeMilliseconds
        ignoringClearAfter = config.ignoringClearAfter.wholeMilliseconds
        raise = RaiseLimiter(
            ratePerSecond: config.raiseRatePerSecond.value,
            jitterOffset: NodeJitter.offsetMilliseconds(
                nodeID: nodeID, windowMilliseconds: config.raiseJitterWindow.wholeMilliseconds))
        ups = UPSEmergencyLatch(holdMilliseconds: config.mainsStableHold.wholeMilliseconds)
        nonGPU = NonGPUPowerEstimator(
            configured: config.nonGPUEstimate.value, timeConstantMilliseconds: config.nonGPUSmoothing.wholeMilliseconds)
        correction = ClosedLoopCorrection(
            gain: config.correctionGain, limitFraction: config.correctionLimitFraction,
            deadbandFraction: config.correctionDeadbandFraction)
    }

    /// This node's delay before any raise starts (0…`raiseJitterWindow`).
    public var jitterOffsetMilliseconds: Int64 { raise.jitterOffset }

    /// One tick. The decided limits are in `changes` afterwards.
    @discardableResult
    public mutating func step(_ conditions: NodeConditions, gpus: [GPUReading]) -> NodeTickStatus {
        changes.removeAll(keepingCapacity: true)
        let now = conditions.now
        // A late or repeated tick counts as at most a few ticks, so a stalled agent does not ramp in one step.
        let elapsed = lastNow.map { min(max(0, now - $0), 5 * tickMilliseconds) } ?? tickMilliseconds
        lastNow = now
        prepare(for: gpus)
        var alerts: ControllerAlerts = []

        // Safety first: the rules' target, then the fallbacks, each only ever lowering it.
        var requested = conditions.target.cap.value
        var cause = conditions.target.cause
        let leaseValid = conditions.leaseExpiresAt.map { now < $0 } ?? false
        let feedFresh = conditions.feedUpdatedAt.map { now - $0 <= feedStaleAfter } ?? false
        if !leaseValid || !feedFresh {
            alerts.insert(.safeCap)
            if config.safeCap.value <= requested {
                requested = config.safeCap.value
                cause = !leaseValid ? (conditions.leaseExpiresAt == nil ? .noPolicy : .leaseExpired) : .feedStale
            }
        }
        if ups.update(onBattery: conditions.upsOnBattery, now: now) {
            alerts.insert(.upsEmergency)
            if config.emergencyCap.value <= requested {
                requested = config.emergencyCap.value
                cause = .upsOnBattery
            }
        }

        // Measured power and the non-GPU part of it.
        var gpuSum: Int64 = 0
        var maximumSum: Int64 = 0
        var enforcedSum: Int64 = 0
        for gpu in gpus {
            gpuSum += max(0, gpu.power.value)
            maximumSum += max(gpu.maximumLimit.value, gpu.minimumLimit.value)
            enforcedSum += gpu.enforcedLimit.value
        }
        var measured = gpuSum + nonGPU.estimate
        var measuredNonGPU: Int64?
        if let pdu = conditions.pduPower?.value {
            let implausibleAbove = config.pduImplausibleAbove?.value ?? 2 * (maximumSum + nonGPU.configured)
            if NonGPUPowerEstimator.isPlausible(pdu: pdu, gpuSum: gpuSum, implausibleAbove: implausibleAbove) {
                measured = pdu
                measuredNonGPU = pdu - gpuSum
            } else {
                alerts.insert(.pduImplausible)
            }
        }

        let effective = raise.follow(
            requested: requested, now: now, elapsed: elapsed, startingPoint: enforcedSum + nonGPU.estimate)

        // Closed loop on measured power: what the PDU sees beyond the GPUs and beyond the estimate so far.
        // Dry-run freezes it: nothing was applied, so the measurement says nothing about the decisions.
        if let measuredNonGPU {
            // The first reading only replaces the configured estimate; there is nothing to correct yet.
            if !config.dryRun && nonGPU.hasMeasurement {
                correction.update(
                    unexplained: measuredNonGPU - nonGPU.estimate, aboveTarget: measured - effective,
                    target: effective, elapsed: elapsed, saturated: lastSaturated)
            }
            nonGPU.update(pdu: measured, gpuSum: gpuSum, elapsed: elapsed)
        }
        let nonGPUPower = nonGPU.estimate
        let correctionNow = correction.milliwatts

        // The per-GPU work runs over one buffer; the slots are moved out of `self` for it, so no access to the
        // array overlaps another access to `self`.
        var slots: [GPUSlot] = []
        swap(&slots, &self.slots)
        let outcome = slots.withUnsafeMutableBufferPointer { slots in
            gpus.withUnsafeBufferPointer { gpus in
                decideLimits(
                    slots, gpus, now: now, budget: effective - nonGPUPower - correctionNow,
                    effectiveMoved: lastEffective != effective, correctionMoved: abs(correctionNow - lastCorrection) > config.deadband.value,
                    cause: cause)
            }
        }
        swap(&slots, &self.slots)
        if outcome.ignoringMask != 0 { alerts.insert(.gpuIgnoringLimit) }
        if !outcome.covered { alerts.insert(.budgetBelowGPUMinimums) }
        lastSaturated = outcome.saturated
        let budget = outcome.budget
        let ignoringMask = outcome.ignoringMask
        lastEffective = effective
        lastCorrection = correctionNow

        let previous = status.alerts
        status = NodeTickStatus(
            requestedCap: Milliwatts(requested), effectiveCap: Milliwatts(effective), cause: cause,
            measuredPower: Milliwatts(measured), nonGPUEstimate: Milliwatts(nonGPUPower),
            correction: Milliwatts(correctionNow), gpuBudget: Milliwatts(budget), alerts: alerts,
            ignoringGPUs: ignoringMask, raiseStartsAt: raise.raiseStartsAt)
        if previous != alerts { logAlertChanges(from: previous, to: alerts, cause: cause) }
        return status
    }

    /// The limits to write when the agent stops: none for `keepCaps`, each GPU's default for `restoreDefaults`.
    public func stopChanges(gpus: [GPUReading]) -> [LimitChange] {
        guard config.stopBehaviour == .restoreDefaults else { return [] }
        return gpus.enumerated().compactMap { index, gpu in
            guard gpu.enforcedLimit != gpu.defaultLimit else { return nil }
            return LimitChange(
                gpu: index, old: gpu.enforcedLimit, new: gpu.defaultLimit, cause: .agentStop, dryRun: config.dryRun)
        }
    }

    /// Per-GPU state follows the GPU count; a new count (a GPU lost or back) starts from what is enforced now.
    private mutating func prepare(for gpus: [GPUReading]) {
        guard slots.count != gpus.count else { return }
        slots = gpus.map { GPUSlot(enforced: $0.enforcedLimit.value) }
    }

    private struct Decision {
        var budget: Int64
        var covered: Bool
        var saturated: Bool
        var ignoringMask: UInt64
    }

    /// Flags GPUs that ignore their limits, shares the budget by demand, applies the deadband, checks read-back,
    /// and records the changes.
    private mutating func decideLimits(
        _ slots: UnsafeMutableBufferPointer<GPUSlot>, _ gpus: UnsafeBufferPointer<GPUReading>, now: Int64, budget: Int64,
        effectiveMoved: Bool, correctionMoved: Bool, cause: TargetCause
    ) -> Decision {
        let ignoringChanged = config.dryRun ? false : detectIgnoringGPUs(slots, gpus, now: now)
        var budget = budget
        var ignoringMask: UInt64 = 0
        for index in gpus.indices {
            let gpu = gpus[index]
            let low = max(0, gpu.minimumLimit.value)
            let high = max(low, gpu.maximumLimit.value)
            slots[index].minimum = low
            if slots[index].ignoring {
                // Hold it at its minimum and reserve what it really draws; the others share the rest.
                slots[index].wanted = low
                slots[index].maximum = low
                budget -= max(0, gpu.power.value - low)
                if index < 64 { ignoringMask |= 1 << UInt64(index) }
            } else {
                slots[index].maximum = high
                let pinned = gpu.pinned || gpu.power.value >= gpu.enforcedLimit.value - config.pinnedMargin.value
                slots[index].wanted = pinned ? high : min(high, max(low, gpu.power.value + config.demandHeadroom.value))
            }
        }
        let covered = GPUBudgetDistributor.distribute(budget: budget, slots)
        chooseLimits(slots, budget: budget)
        var minimumSum: Int64 = 0
        var chosenSum: Int64 = 0
        for slot in slots {
            minimumSum += slot.minimum
            chosenSum += slot.chosen
        }

        // Why limits move this tick, most important first.
        let changeCause: ChangeCause =
            effectiveMoved ? .target(cause) : ignoringChanged ? .gpuIgnoringLimit : correctionMoved ? .closedLoop : .demand
        for index in gpus.indices {
            let enforced = gpus[index].enforcedLimit.value
            let drifted = !config.dryRun && now - slots[index].lastWriteAt >= readBackGrace
                && abs(enforced - slots[index].lastSet) > config.driftTolerance.value
            guard slots[index].chosen != slots[index].lastSet || drifted else { continue }
            changes.append(
                LimitChange(
                    gpu: index, old: Milliwatts(drifted ? enforced : slots[index].lastSet), new: Milliwatts(slots[index].chosen),
                    cause: drifted ? .drift : (slots[index].ignoring && ignoringChanged ? .gpuIgnoringLimit : changeCause),
                    dryRun: config.dryRun))
            slots[index].lastSet = slots[index].chosen
            slots[index].lastWriteAt = now
        }
        return Decision(budget: budget, covered: covered, saturated: chosenSum <= minimumSum, ignoringMask: ignoringMask)
    }

    /// Whole watts, rounded down (never above the budget). A GPU's change within the deadband is skipped —
    /// unless the skipped lowerings would put the node over its budget, or the skipped raises add up to more
    /// than two deadbands (eight GPUs each a little short would leave the node well under target for good).
    private func chooseLimits(_ slots: UnsafeMutableBufferPointer<GPUSlot>, budget: Int64) {
        var sum: Int64 = 0
        var shortfall: Int64 = 0
        var minimumSum: Int64 = 0
        for index in slots.indices {
            let slot = slots[index]
            let exact = min(slot.maximum, max(slot.minimum, slot.allocation / 1000 * 1000))
            let withinBand = abs(exact - slot.lastSet) <= config.deadband.value
                && slot.lastSet >= slot.minimum && slot.lastSet <= slot.maximum
            let chosen = withinBand ? slot.lastSet : exact
            slots[index].allocation = exact
            slots[index].chosen = chosen
            sum += chosen
            shortfall += max(0, exact - chosen)
            minimumSum += slot.minimum
        }
        if shortfall > 2 * config.deadband.value {
            for index in slots.indices where slots[index].chosen < slots[index].allocation {
                sum += slots[index].allocation - slots[index].chosen
                slots[index].chosen = slots[index].allocation
            }
        }
        let allowed = max(budget, minimumSum)
        guard sum > allowed else { return }
        for index in slots.indices where slots[index].chosen > slots[index].allocation {
            sum -= slots[index].chosen - slots[index].allocation
            slots[index].chosen = slots[index].allocation
            if sum <= allowed { return }
        }
    }

    /// A GPU above its enforced limit (beyond the tolerance) for `ignoringDetectAfter`, with no write of ours
    /// in that time to explain it, ignores its limit. - Returns: whether any flag changed.
    private func detectIgnoringGPUs(
        _ slots: UnsafeMutableBufferPointer<GPUSlot>, _ gpus: UnsafeBufferPointer<GPUReading>, now: Int64
    ) -> Bool {
        var changed = false
        for index in gpus.indices {
            let gpu = gpus[index]
            let limit = gpu.enforcedLimit.value
            let tolerance = max(config.ignoringTolerance.value, limit / 20)
            if gpu.power.value > limit + tolerance {
                slots[index].withinLimitSince = GPUSlot.none
                guard now - slots[index].lastWriteAt >= readBackGrace || slots[index].ignoring else {
                    slots[index].overLimitSince = GPUSlot.none
                    continue
                }
                if slots[index].overLimitSince == GPUSlot.none { slots[index].overLimitSince = now }
                if !slots[index].ignoring && now - slots[index].overLimitSince >= ignoringDetectAfter {
                    slots[index].ignoring = true
                    changed = true
                    logger?.error(
                        "GPU ignores its power limit: held at its minimum, the other GPUs tightened",
                        metadata: ["node": "\(nodeID)", "gpu": "\(index)", "power": "\(gpu.power.wholeWattsText)",
                                   "limit": "\(gpu.enforcedLimit.wholeWattsText)"])
                }
            } else {
                slots[index].overLimitSince = GPUSlot.none
                guard slots[index].ignoring else { continue }
                if slots[index].withinLimitSince == GPUSlot.none { slots[index].withinLimitSince = now }
                if now - slots[index].withinLimitSince >= ignoringClearAfter {
                    slots[index].ignoring = false
                    slots[index].withinLimitSince = GPUSlot.none
                    changed = true
                    logger?.notice("GPU follows its power limit again", metadata: ["node": "\(nodeID)", "gpu": "\(index)"])
                }
            }
        }
        return changed
    }

    private func logAlertChanges(from previous: ControllerAlerts, to current: ControllerAlerts, cause: TargetCause) {
        guard let logger else { return }
        let names: [(ControllerAlerts, String)] = [
            (.upsEmergency, "UPS emergency cap"), (.safeCap, "safe cap"), (.pduImplausible, "PDU reading ignored as implausible"),
            (.budgetBelowGPUMinimums, "GPU budget below the GPUs' minimum limits"),
        ]
        for (alert, name) in names where previous.contains(alert) != current.contains(alert) {
            if current.contains(alert) {
                logger.warning("\(name): on", metadata: ["node": "\(nodeID)", "cause": "\(cause)"])
            } else {
                logger.notice("\(name): off", metadata: ["node": "\(nodeID)"])
            }
        }
    }
}
