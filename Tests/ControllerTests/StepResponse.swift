import Controller
import GreencapCore

/// How node power answered a change of its target: settling time, overshoot, and whether it stayed settled.
struct StepResponse: CustomStringConvertible {
    /// Seconds from the step until power entered the band for good; nil if it never did.
    var settlingSeconds: Double?
    /// Watts past the new target in the direction of the step (above it after a raise, below it after a lowering).
    var overshoot: Double
    /// Times the power left the band after first entering it.
    var bandExits: Int

    /// - Parameters:
    ///   - from: when the change started (ms).
    ///   - oldTarget, newTarget: watts.
    ///   - band: watts either side of the new target that count as settled.
    init(_ samples: [NodeSample], from start: Int64, oldTarget: Double, newTarget: Double, band: Double) {
        let after = samples.filter { $0.time >= start }
        let raising = newTarget > oldTarget
        overshoot = after.map { raising ? $0.power - newTarget : newTarget - $0.power }.max().map { max(0, $0) } ?? 0
        var settledAt: Int64?
        var entered = false
        var exits = 0
        for sample in after {
            let inside = abs(sample.power - newTarget) <= band
            if inside {
                if settledAt == nil { settledAt = sample.time }
                entered = true
            } else {
                settledAt = nil
                if entered { exits += 1 }
            }
        }
        settlingSeconds = settledAt.map { Double($0 - start) / 1000 }
        bandExits = exits
    }

    var description: String {
        "settled after \(settlingSeconds.map { "\($0) s" } ?? "never"), overshoot \(overshoot) W, \(bandExits) band exits"
    }
}

extension Fixtures {
    /// A node of 8 GPUs that each want 690 W (6420 W uncapped with the 900 W host load).
    static func simulation(
        config: ControllerConfig = Fixtures.config(), target: Milliwatts = .watts(5500), plant: PlantParameters = PlantParameters(),
        workload: WorkloadProfile = .constant(watts: 690), seed: UInt64 = 3
    ) throws -> NodeSimulation {
        try NodeSimulation(
            nodeID: node.id, config: config, plant: SimulatedNode(workload: workload, parameters: plant, seed: seed),
            target: NodeTarget(cap: target, cause: .renewable(policyID: "test", tier: 2, greenScore: 0.7)))
    }

    static func target(_ watts: Int64, _ cause: TargetCause = .renewable(policyID: "test", tier: 1, greenScore: 0.4)) -> NodeTarget {
        NodeTarget(cap: .watts(watts), cause: cause)
    }
}
