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

    // Per GPU, sized when the GPU count changes.
    private var lastSet: [Int64] = []
    private var lastWriteAt: [Int64] = []
    private var overLimitSince: [Int64?] = []
    private var withinLimitSince: [Int64?] = []
    private var ignoring: [Bool] = []
    // Scratch for the distribution, reused every tick.
    private var minimum: [Int64] = []
    private var wanted: [Int64] = []
    private var maximum: [Int64] = []
    private var allocation: [Int64] = []
    private var chosen: [Int64] = []

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

        let ignoringChanged = config.dryRun ? false : detectIgnoringGPUs(gpus, now: now)

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

        var budget = effective - nonGPUPower - correctionNow
        var ignoringMask: UInt64 = 0
        for (index, gpu) in gpus.enumerated() {
            let low = max(0, gpu.minimumLimit.value)
            let high = max(low, gpu.maximumLimit.value)
            if ignoring[index] {
                // Hold it at its minimum and reserve what it really draws; the others share the rest.
                minimum[index] = low
                wanted[index] = low
                maximum[index] = low
                budget -= max(0, gpu.power.value - low)
                if index < 64 { ignoringMask |= 1 << UInt64(index) }
            } else {
                minimum[index] = low
                maximum[index] = high
                let pinned = gpu.pinned || gpu.power.value >= gpu.enforcedLimit.value - config.pinnedMargin.value
                wanted[index] = pinned ? high : min(high, max(low, gpu.power.value + config.demandHeadroom.value))
            }
        }
        if ignoringMask != 0 { alerts.insert(.gpuIgnoringLimit) }
        let covered = GPUBudgetDistributor.distribute(
            budget: budget, minimum: minimum, wanted: wanted, maximum: maximum, into: &allocation)
        if !covered { alerts.insert(.budgetBelowGPUMinimums) }

        chooseLimits(budget: budget)
        var minimumSum: Int64 = 0
        var chosenSum: Int64 = 0
        for index in gpus.indices {
            minimumSum += minimum[index]
            chosenSum += chosen[index]
        }
        lastSaturated = chosenSum <= minimumSum

        // Why limits move this tick, most important first.
        let changeCause: ChangeCause
        if lastEffective != effective {
            changeCause = .target(cause)
        } else if ignoringChanged {
            changeCause = .gpuIgnoringLimit
        } else if abs(correctionNow - lastCorrection) > config.deadband.value {
            changeCause = .closedLoop
        } else {
            changeCause = .demand
        }
        for (index, gpu) in gpus.enumerated() {
            let drifted = !config.dryRun && now - lastWriteAt[index] >= readBackGrace
                && abs(gpu.enforcedLimit.value - lastSet[index]) > config.driftTolerance.value
            guard chosen[index] != lastSet[index] || drifted else { continue }
            let old = drifted ? gpu.enforcedLimit.value : lastSet[index]
            changes.append(
                LimitChange(
                    gpu: index, old: Milliwatts(old), new: Milliwatts(chosen[index]),
                    cause: drifted ? .drift : (ignoring[index] && ignoringChanged ? .gpuIgnoringLimit : changeCause),
                    dryRun: config.dryRun))
            lastSet[index] = chosen[index]
            lastWriteAt[index] = now
        }
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
        guard lastSet.count != gpus.count else { return }
        let count = gpus.count
        lastSet = gpus.map(\.enforcedLimit.value)
        lastWriteAt = Array(repeating: Int64.min / 2, count: count)
        overLimitSince = Array(repeating: nil, count: count)
        withinLimitSince = Array(repeating: nil, count: count)
        ignoring = Array(repeating: false, count: count)
        minimum = Array(repeating: 0, count: count)
        wanted = Array(repeating: 0, count: count)
        maximum = Array(repeating: 0, count: count)
        allocation = Array(repeating: 0, count: count)
        chosen = Array(repeating: 0, count: count)
    }

    /// Whole watts, rounded down (never above the budget). A GPU's change within the deadband is skipped —
    /// unless the skipped lowerings would put the node over its budget, or the skipped raises add up to more
    /// than two deadbands (eight GPUs each a little short would leave the node well under target for good).
    private mutating func chooseLimits(budget: Int64) {
        var sum: Int64 = 0
        var shortfall: Int64 = 0
        for index in chosen.indices {
            let exact = min(maximum[index], max(minimum[index], allocation[index] / 1000 * 1000))
            allocation[index] = exact
            let kept = lastSet[index]
            let withinBand = abs(exact - kept) <= config.deadband.value
                && kept >= minimum[index] && kept <= maximum[index]
            chosen[index] = withinBand ? kept : exact
            sum += chosen[index]
            shortfall += max(0, exact - chosen[index])
        }
        if shortfall > 2 * config.deadband.value {
            for index in chosen.indices where chosen[index] < allocation[index] {
                sum += allocation[index] - chosen[index]
                chosen[index] = allocation[index]
            }
        }
        let allowed = max(budget, minimum.reduce(0, +))
        guard sum > allowed else { return }
        for index in chosen.indices where chosen[index] > allocation[index] {
            sum -= chosen[index] - allocation[index]
            chosen[index] = allocation[index]
            if sum <= allowed { return }
        }
    }

    /// A GPU above its enforced limit (beyond the tolerance) for `ignoringDetectAfter`, with no write of ours
    /// in that time to explain it, ignores its limit. - Returns: whether any flag changed.
    private mutating func detectIgnoringGPUs(_ gpus: [GPUReading], now: Int64) -> Bool {
        var changed = false
        for (index, gpu) in gpus.enumerated() {
            let limit = gpu.enforcedLimit.value
            let tolerance = max(config.ignoringTolerance.value, limit / 20)
            if gpu.power.value > limit + tolerance {
                withinLimitSince[index] = nil
                guard now - lastWriteAt[index] >= readBackGrace || ignoring[index] else {
                    overLimitSince[index] = nil
                    continue
                }
                let since = overLimitSince[index] ?? now
                overLimitSince[index] = since
                if !ignoring[index] && now - since >= ignoringDetectAfter {
                    ignoring[index] = true
                    changed = true
                    logger?.error(
                        "GPU ignores its power limit: held at its minimum, the other GPUs tightened",
                        metadata: ["node": "\(nodeID)", "gpu": "\(index)", "power": "\(gpu.power.wholeWattsText)",
                                   "limit": "\(gpu.enforcedLimit.wholeWattsText)"])
                }
            } else {
                overLimitSince[index] = nil
                guard ignoring[index] else { continue }
                let since = withinLimitSince[index] ?? now
                withinLimitSince[index] = since
                if now - since >= ignoringClearAfter {
                    ignoring[index] = false
                    withinLimitSince[index] = nil
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
