import Controller
import GreencapCore
import Testing

/// The loop on a simulated node: settling within 5 s of a step, overshoot ≤ 5 % of the step, no oscillation.
@Suite struct StepResponseTests {
    /// Jitter off: these tests look at the step response itself (the jitter has its own tests).
    static func config(tick: Duration = .seconds(1)) -> ControllerConfig {
        var config = Fixtures.config()
        config.raiseJitterWindow = .zero
        config.tick = tick
        return config
    }

    static func check(_ response: StepResponse, step: Double, comment: Comment) {
        #expect(response.settlingSeconds.map { $0 <= 5 } == true, comment)
        #expect(response.overshoot <= 0.05 * step, comment)
        #expect(response.bandExits == 0, comment)
    }

    @Test(arguments: [Duration.seconds(1), .milliseconds(100)])
    func loweringAndRaisingTheCapSettleWithin5Seconds(tick: Duration) throws {
        var simulation = try Fixtures.simulation(config: Self.config(tick: tick), target: .watts(5500))
        simulation.run(seconds: 30)
        let before = simulation.samples.last?.power ?? 0
        #expect(abs(before - 5500) <= 50, "settled at the first target: \(before) W")

        let down = simulation.now
        simulation.target = Fixtures.target(4500)
        simulation.run(seconds: 30)
        let lowered = StepResponse(simulation.samples, from: down, oldTarget: 5500, newTarget: 4500, band: 50)
        Self.check(lowered, step: 1000, comment: "lowering, tick \(tick): \(lowered)")

        let up = simulation.now
        simulation.target = Fixtures.target(5500)
        simulation.run(seconds: 30)
        let raised = StepResponse(simulation.samples, from: up, oldTarget: 4500, newTarget: 5500, band: 50)
        Self.check(raised, step: 1000, comment: "raising, tick \(tick): \(raised)")
    }

    /// Power-supply losses grow with GPU power and only the PDU sees them: the loop must still settle at the
    /// target measured at the wall.
    @Test func settlesAtTheWallTargetWithPowerSupplyLosses() throws {
        var plant = PlantParameters()
        plant.conversionLoss = 0.06
        var simulation = try Fixtures.simulation(config: Self.config(), target: .watts(5500), plant: plant)
        simulation.run(seconds: 30)
        let up = simulation.now
        simulation.target = Fixtures.target(4000)
        simulation.run(seconds: 20)
        simulation.target = Fixtures.target(6000)
        let raise = simulation.now
        simulation.run(seconds: 30)
        let lowered = StepResponse(simulation.samples.filter { $0.time < raise }, from: up, oldTarget: 5500, newTarget: 4000, band: 75)
        Self.check(lowered, step: 1500, comment: "lowering with 6 % losses: \(lowered)")
        let raised = StepResponse(simulation.samples, from: raise, oldTarget: 4000, newTarget: 6000, band: 100)
        Self.check(raised, step: 2000, comment: "raising with 6 % losses: \(raised)")
    }

    /// Closed loop: host load jumps by 300 W (fans); the loop takes it out of the GPU budget.
    @Test func aHostLoadStepIsCorrectedOnMeasuredPower() throws {
        var simulation = try Fixtures.simulation(config: Self.config(), target: .watts(5000))
        simulation.run(seconds: 30)
        let jump = simulation.now
        simulation.plant.baseLoad += 300
        simulation.run(seconds: 30)
        let response = StepResponse(simulation.samples, from: jump + 1000, oldTarget: 5300, newTarget: 5000, band: 50)
        #expect(response.settlingSeconds.map { $0 <= 5 } == true, "\(response)")
        #expect(response.bandExits == 0, "\(response)")
        let last = try #require(simulation.samples.last)
        #expect(last.power <= 5000 + 25, "back at target: \(last.power) W")
        #expect(simulation.journal.records.contains { $0.cause == .closedLoop || $0.cause == .demand })
    }

    /// Without a PDU the loop runs on the GPU sum plus the configured estimate.
    @Test func withoutAPDUTheConfiguredEstimateIsUsed() throws {
        var plant = PlantParameters()
        plant.hasPDU = false
        var simulation = try Fixtures.simulation(config: Self.config(), target: .watts(5000), plant: plant)
        simulation.run(seconds: 20)
        let status = simulation.controller.status
        #expect(status.nonGPUEstimate == .watts(900))
        #expect(abs((simulation.samples.last?.power ?? 0) - 5000) <= 50)
    }

    /// A raise with the default jitter starts after the node's offset and then settles within 5 s.
    @Test func withJitterTheRaiseSettlesWithin5SecondsOfItsStart() throws {
        var simulation = try Fixtures.simulation(target: .watts(4500))
        simulation.run(seconds: 30)
        let step = simulation.now
        simulation.target = Fixtures.target(5500)
        let offset = simulation.controller.jitterOffsetMilliseconds
        simulation.run(seconds: 40)
        let start = step + (offset + 999) / 1000 * 1000  // the first tick at or after the offset
        let before = simulation.samples.filter { $0.time >= step && $0.time < start }
        #expect(before.allSatisfy { abs($0.power - 4500) <= 50 }, "nothing moves before the node's jitter offset")
        let raised = StepResponse(simulation.samples, from: start, oldTarget: 4500, newTarget: 5500, band: 50)
        Self.check(raised, step: 1000, comment: "raise after a \(offset) ms jitter: \(raised)")
    }
}
