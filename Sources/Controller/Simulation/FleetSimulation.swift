import GreencapCore

/// N simulated nodes for a stretch of hours on a virtual clock, capped by the renewable policy against the
/// same nodes uncapped: how much of the fleet's energy falls in green hours, and its peak power.
public enum FleetSimulation {
    public struct Setup: Sendable {
        public var nodeCount: Int
        public var gpusPerNode = 8
        /// One green score per simulated hour; the run lasts as many hours.
        public var hourlyGreenScores: [Double]
        /// An hour counts as green when its score is at least this.
        public var greenHourThreshold = 0.5
        public var rules: CapRuleSet
        /// Every node's loop settings; its `tick` is the simulation's step.
        public var controller: ControllerConfig
        public var plant = PlantParameters()
        /// Assigned to nodes in turn.
        public var workloads: [WorkloadProfile] = [
            .training, .wave(low: 200, high: 500, periodSeconds: 30), .training, .constant(watts: 450),
        ]
        public var seed: UInt64 = 1
        public var startAt: Int64 = 0

        public init(nodeCount: Int, hourlyGreenScores: [Double], rules: CapRuleSet, controller: ControllerConfig) {
            self.nodeCount = nodeCount
            self.hourlyGreenScores = hourlyGreenScores
            self.rules = rules
            self.controller = controller
        }
    }

    public struct Outcome: Sendable, Hashable {
        public var greenEnergyKilowattHours: Double
        public var otherEnergyKilowattHours: Double
        /// The fleet's highest wall power at any tick.
        public var peakPower: Milliwatts
        public var nodeTicks: Int
        /// GPU limit writes decided.
        public var limitChanges: Int

        public var totalEnergyKilowattHours: Double { greenEnergyKilowattHours + otherEnergyKilowattHours }
        /// The share of the energy drawn in green hours.
        public var greenShare: Double {
            totalEnergyKilowattHours > 0 ? greenEnergyKilowattHours / totalEnergyKilowattHours : 0
        }
    }

    public struct Comparison: Sendable, Hashable {
        public var capped: Outcome
        public var uncapped: Outcome
    }

    public static func compare(_ setup: Setup) throws(ControllerConfigError) -> Comparison {
        Comparison(capped: try run(setup, capped: true), uncapped: try run(setup, capped: false))
    }

    /// One run; `capped: false` leaves every GPU at its default limit (no controller at all).
    public static func run(_ setup: Setup, capped: Bool) throws(ControllerConfigError) -> Outcome {
        let tick = setup.controller.tick.wholeMilliseconds
        let ticksPerHour = max(1, 3_600_000 / tick)
        var nodes: [FleetNode] = []
        nodes.reserveCapacity(setup.nodeCount)
        for index in 0..<setup.nodeCount {
            let id = "n\(index)"
            let workload = setup.workloads.isEmpty ? .training : setup.workloads[index % setup.workloads.count]
            let plant = SimulatedNode(
                gpuCount: setup.gpusPerNode, workload: workload, parameters: setup.plant,
                seed: setup.seed &+ UInt64(index) &* 7919, settledAt: setup.startAt)
            let gpuMinimum = plant.gpus.reduce(0.0) { $0 + $1.minimumLimit }
            let facts = NodeFacts(
                identity: NodeIdentity(id: id), safeCap: setup.controller.safeCap,
                lowestEnforceable: Milliwatts(Int64((gpuMinimum + setup.plant.baseLoad) * 1000)))
            nodes.append(
                FleetNode(
                    plant: plant, controller: try NodeController(nodeID: id, config: setup.controller), facts: facts,
                    target: .safe(setup.controller.safeCap)))
        }

        var readings: [GPUReading] = []
        var green = 0.0
        var other = 0.0
        var peak = 0.0
        var changes = 0
        var now = setup.startAt
        let decay = nodes.first?.plant.decay(for: tick) ?? 0
        for (hour, score) in setup.hourlyGreenScores.enumerated() {
            let hourStart = setup.startAt + Int64(hour) * 3_600_000
            if capped {
                for index in nodes.indices {
                    nodes[index].retarget(rules: setup.rules, score: score, now: hourStart)
                }
            }
            let isGreen = score >= setup.greenHourThreshold
            var hourJoules = 0.0
            for _ in 0..<ticksPerHour {
                var fleetPower = 0.0
                for index in nodes.indices {
                    fleetPower += nodes[index].tick(
                        now: now, elapsed: tick, decay: decay, capped: capped, feedUpdatedAt: hourStart,
                        readings: &readings, changes: &changes)
                }
                peak = max(peak, fleetPower)
                hourJoules += fleetPower * Double(tick) / 1000
                now += tick
            }
            if isGreen { green += hourJoules } else { other += hourJoules }
        }
        return Outcome(
            greenEnergyKilowattHours: green / 3.6e6, otherEnergyKilowattHours: other / 3.6e6,
            peakPower: Milliwatts(Int64(peak * 1000)),
            nodeTicks: setup.nodeCount * Int(ticksPerHour) * setup.hourlyGreenScores.count,
            limitChanges: changes)
    }
}

/// One node of the fleet: its plant, its loop and its current target.
private struct FleetNode: Sendable {
    var plant: SimulatedNode
    var controller: NodeController
    let facts: NodeFacts
    var target: NodeTarget

    mutating func retarget(rules: CapRuleSet, score: Double, now: Int64) {
        target = rules.evaluate(for: facts, greenScore: score, now: now, previousTier: target.renewableTier)
    }

    /// One tick; returns the node's wall power at the tick, in watts.
    mutating func tick(
        now: Int64, elapsed: Int64, decay: Double, capped: Bool, feedUpdatedAt: Int64, readings: inout [GPUReading],
        changes: inout Int
    ) -> Double {
        let power = plant.truePower
        if capped {
            plant.readings(into: &readings)
            let conditions = NodeConditions(
                now: now, target: target, pduPower: plant.pduReading(), leaseExpiresAt: now + 10 * elapsed,
                feedUpdatedAt: feedUpdatedAt)
            controller.step(conditions, gpus: readings)
            changes += controller.changes.count
            plant.apply(controller.changes, at: now)
        }
        plant.advance(from: now, by: elapsed, wholeStepDecay: decay)
        return power
    }
}
