import Controller
import GreencapCore
import Testing

/// A GPU that ignores its limit: detected, logged, held at its minimum, the others tightened, an alert raised.
@Suite struct IgnoringGPUTests {
    @Test func theOtherGPUsAreTightenedToKeepTheNodeUnderTarget() throws {
        var simulation = try Fixtures.simulation(target: .watts(4500))
        simulation.run(seconds: 20)
        simulation.plant.gpus[3].ignoresLimit = true
        let fault = simulation.now
        simulation.run(seconds: 20)
        let status = simulation.controller.status
        #expect(status.alerts.contains(.gpuIgnoringLimit))
        #expect(status.ignoringGPUs == 1 << 3)
        let detected = try #require(simulation.samples.first { $0.alerts.contains(.gpuIgnoringLimit) })
        #expect(detected.time - fault <= 5_000, "detected within 5 s")
        #expect(simulation.plant.gpus[3].enforcedLimit == 200, "asked for its minimum")
        #expect(simulation.samples.filter { $0.time >= detected.time + 2000 }.allSatisfy { $0.power <= 4500 + 10 })
        #expect(simulation.journal.records.contains { $0.cause == .gpuIgnoringLimit && $0.gpu == 3 })
        #expect(simulation.journal.records.contains { $0.cause == .gpuIgnoringLimit && $0.gpu != 3 })

        // The GPU behaves again: the flag clears after 10 s within its limit.
        simulation.plant.gpus[3].ignoresLimit = false
        simulation.run(seconds: 15)
        #expect(!simulation.controller.status.alerts.contains(.gpuIgnoringLimit))
    }

    @Test func aGPUStillComingDownToANewLimitIsNotFlagged() throws {
        var plant = PlantParameters()
        plant.lagTimeConstant = .milliseconds(900)  // a slow board
        var simulation = try Fixtures.simulation(target: .watts(6400), plant: plant)
        simulation.run(seconds: 10)
        simulation.target = Fixtures.target(3500)
        simulation.run(seconds: 20)
        #expect(!simulation.samples.contains { $0.alerts.contains(.gpuIgnoringLimit) })
    }
}
