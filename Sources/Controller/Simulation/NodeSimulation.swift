import GreencapCore
import Logging

/// One tick of a simulated node, for the tests' analysis.
public struct NodeSample: Sendable, Hashable {
    public var time: Int64
    /// Wall power at the tick, in watts, without measurement noise.
    public var power: Double
    public var requestedCap: Milliwatts
    public var effectiveCap: Milliwatts
    /// The sum of the limits the GPUs enforce at the tick.
    public var enforcedLimitSum: Milliwatts
    public var changeCount: Int
    public var alerts: ControllerAlerts
    public var nonGPUEstimate: Milliwatts
    public var correction: Milliwatts
}

/// A node's loop closed over its plant on a virtual clock, with the outside world scripted: the target, the
/// lease, the feed, the UPS and the PDU can be changed between ticks.
///
/// Order within a tick at time t: read the plant at t, step the controller, write its changes (effective
/// after the plant's write delay), journal them, advance the plant to t + tick.
public struct NodeSimulation: Sendable {
    public private(set) var clock: VirtualClock
    public var plant: SimulatedNode
    public private(set) var controller: NodeController
    public var target: NodeTarget
    public var leaseExpiresAt: Int64?
    public var feedUpdatedAt: Int64?
    public var upsOnBattery = false
    /// Replaces the PDU reading when set (fault injection); `.some(nil)` reads as no PDU.
    public var pduOverride: Milliwatts??
    public var journal = AuditJournal()
    public var recordsSamples = true
    public private(set) var samples: [NodeSample] = []
    public let tickMilliseconds: Int64
    private var readings: [GPUReading] = []

    /// Starts with a lease and a fresh feed that last a day, so only what a test scripts goes wrong.
    public init(
        nodeID: String, config: ControllerConfig, plant: SimulatedNode, target: NodeTarget, startAt: Int64 = 0,
        logger: Logger? = nil
    ) throws(ControllerConfigError) {
        clock = VirtualClock(start: startAt)
        self.plant = plant
        self.controller = try NodeController(nodeID: nodeID, config: config, logger: logger)
        self.target = target
        tickMilliseconds = config.tick.wholeMilliseconds
        leaseExpiresAt = startAt + 86_400_000
        feedUpdatedAt = startAt
    }

    public var now: Int64 { clock.now }

    /// One control tick, then the plant runs until the next.
    @discardableResult
    public mutating func tick() -> NodeTickStatus {
        let now = clock.now
        plant.readings(into: &readings)
        let pdu = pduOverride ?? plant.pduReading()
        let conditions = NodeConditions(
            now: now, target: target, pduPower: pdu, upsOnBattery: upsOnBattery, leaseExpiresAt: leaseExpiresAt,
            feedUpdatedAt: feedUpdatedAt)
        let status = controller.step(conditions, gpus: readings)
        plant.apply(controller.changes, at: now)
        journal.append(controller.changes, node: controller.nodeID, time: now, leaseExpiresAt: leaseExpiresAt)
        if recordsSamples {
            var enforced: Int64 = 0
            for reading in readings { enforced += reading.enforcedLimit.value }
            samples.append(
                NodeSample(
                    time: now, power: plant.truePower, requestedCap: status.requestedCap, effectiveCap: status.effectiveCap,
                    enforcedLimitSum: Milliwatts(enforced), changeCount: controller.changes.count, alerts: status.alerts,
                    nonGPUEstimate: status.nonGPUEstimate, correction: status.correction))
        }
        plant.advance(from: now, by: tickMilliseconds, wholeStepDecay: plant.decay(for: tickMilliseconds))
        clock.advance(by: tickMilliseconds)
        return status
    }

    /// Ticks until `seconds` of virtual time have passed.
    public mutating func run(seconds: Double) {
        let end = clock.now + Int64(seconds * 1000)
        while clock.now < end { tick() }
    }

    /// Ticks until `seconds` have passed or `stop` says so; returns the status of the last tick.
    @discardableResult
    public mutating func run(seconds: Double, until stop: (NodeTickStatus) -> Bool) -> NodeTickStatus {
        let end = clock.now + Int64(seconds * 1000)
        var status = controller.status
        while clock.now < end {
            status = tick()
            if stop(status) { break }
        }
        return status
    }
}
