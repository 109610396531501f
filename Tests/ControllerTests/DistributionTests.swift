import Controller
import GreencapCore
import Testing

/// Sharing the GPU budget by demand, within each GPU's range, with a deadband.
@Suite struct DistributionTests {
    static func controller(_ configure: (inout ControllerConfig) -> Void = { _ in }) throws -> NodeController {
        var config = Fixtures.config()
        config.raiseJitterWindow = .zero
        configure(&config)
        return try NodeController(nodeID: Fixtures.node.id, config: config)
    }

    static func conditions(_ cap: Int64, now: Int64 = 0, pdu: Milliwatts? = nil) -> NodeConditions {
        NodeConditions(now: now, target: Fixtures.target(cap), pduPower: pdu, leaseExpiresAt: now + 60_000, feedUpdatedAt: now)
    }

    /// Applies a tick's changes to the readings, as if the GPUs took them at once.
    static func apply(_ changes: [LimitChange], to readings: inout [GPUReading]) {
        for change in changes { readings[change.gpu].enforcedLimit = change.new }
    }

    @Test func anIdleGPUReleasesHeadroomToThePinnedOnes() throws {
        var controller = try Self.controller()
        // Budget 4500 − 900 = 3600 W. GPU 0 idles at 100 W (below its 200 W minimum… it keeps the minimum).
        // GPU 1 draws 300 W of a 450 W limit; the six others are pinned at 450 W.
        var readings = [Fixtures.reading(power: 100, limit: 450), Fixtures.reading(power: 300, limit: 450)]
            + Array(repeating: Fixtures.reading(power: 450, limit: 450), count: 6)
        controller.step(Self.conditions(4500), gpus: readings)
        Self.apply(controller.changes, to: &readings)
        let limits = readings.map { Int($0.enforcedLimit.watts) }
        #expect(limits[0] == 200, "idle: its minimum, nothing more is wanted")
        #expect(limits[1] == 350, "below its limit: its draw plus 50 W headroom")
        // The rest, 3600 − 200 − 350 = 3050 W, shared by the six pinned GPUs: 508 W each (rounded down).
        #expect(limits[2...].allSatisfy { $0 == 508 })
        #expect(limits.reduce(0, +) <= 3600)
    }

    @Test func slackGoesToEveryGPUUpToItsMaximum() throws {
        var controller = try Self.controller()
        var readings = Array(repeating: Fixtures.reading(power: 300, limit: 700), count: 8)
        controller.step(Self.conditions(6000), gpus: readings)  // 5100 W for GPUs that want 350 W each
        Self.apply(controller.changes, to: &readings)
        #expect(readings.allSatisfy { $0.enforcedLimit == .watts(637) }, "5100 / 8 = 637.5, rounded down")
        controller.step(Self.conditions(9000, now: 1000), gpus: readings)
        Self.apply(controller.changes, to: &readings)
        #expect(readings.allSatisfy { $0.enforcedLimit == Fixtures.gpuMaximum }, "never above the GPU maximum")
    }

    @Test func aBudgetBelowTheMinimumsHoldsEveryGPUAtItsMinimumAndSaysSo() throws {
        var controller = try Self.controller()
        var readings = Array(repeating: Fixtures.reading(power: 690, limit: 700), count: 8)
        let status = controller.step(Self.conditions(2000), gpus: readings)
        Self.apply(controller.changes, to: &readings)
        #expect(readings.allSatisfy { $0.enforcedLimit == Fixtures.gpuMinimum })
        #expect(status.alerts.contains(.budgetBelowGPUMinimums))
    }

    @Test func changesWithinTheDeadbandAreSkippedUnlessTheBudgetNeedsThem() throws {
        var controller = try Self.controller()
        var readings = Array(repeating: Fixtures.reading(power: 690, limit: 700), count: 8)
        controller.step(Self.conditions(4900), gpus: readings)  // 4000 W: 500 W each
        Self.apply(controller.changes, to: &readings)
        #expect(readings.allSatisfy { $0.enforcedLimit == .watts(500) })
        // +8 W of budget is 1 W per GPU: inside the 5 W deadband, skipped. +16 W is 2 W per GPU, also inside it,
        // but the skipped raises would add up to more than two deadbands (10 W), so they are applied.
        controller.step(Self.conditions(4908, now: 1000), gpus: readings)
        #expect(controller.changes.isEmpty, "1 W per GPU is noise")
        controller.step(Self.conditions(4916, now: 2000), gpus: readings)
        #expect(controller.changes.count == 8, "2 W per GPU on eight GPUs leaves the node 16 W short: applied")
        Self.apply(controller.changes, to: &readings)
        // −8 W of budget: each 1 W lowering is inside the deadband, but the node would be over its budget.
        controller.step(Self.conditions(4908, now: 3000), gpus: readings)
        let sum = readings.reduce(0) { $0 + $1.enforcedLimit.value } - controller.changes.reduce(0) { $0 + $1.old.value - $1.new.value }
        #expect(sum <= Milliwatts.watts(4008).value, "lowering the budget needs is applied")
    }
}
