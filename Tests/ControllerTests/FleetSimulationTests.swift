#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Controller
import GreencapCore
import Testing

/// The fleet simulation: energy in green and other hours and peak power, capped against uncapped.
@Suite struct FleetSimulationTests {
    /// A clear spring day in Jeonnam: solar from 07 to 18 KST peaking at noon, a little wind at night.
    static let springDay: [Double] = (0..<24).map { hour in
        let solar = hour >= 7 && hour <= 18 ? sin(Double.pi * Double(hour - 6) / 13) : 0
        return min(1, 0.1 + 0.9 * solar)
    }

    static func setup(nodes: Int, tick: Duration) -> FleetSimulation.Setup {
        var controller = Fixtures.config()
        controller.tick = tick
        var setup = FleetSimulation.Setup(
            nodeCount: nodes, hourlyGreenScores: springDay, rules: CapRuleSet(renewable: Fixtures.policy()),
            controller: controller)
        setup.seed = 11
        return setup
    }

    @Test func cappingMovesEnergyIntoGreenHoursAndLowersThePeak() throws {
        let setup = Self.setup(nodes: 8, tick: .seconds(10))
        let comparison = try FleetSimulation.compare(setup)
        let capped = comparison.capped
        let uncapped = comparison.uncapped
        #expect(capped.nodeTicks == 8 * 24 * 360)
        #expect(capped.greenShare > uncapped.greenShare + 0.05, "green share \(capped.greenShare) vs \(uncapped.greenShare)")
        #expect(capped.otherEnergyKilowattHours < 0.8 * uncapped.otherEnergyKilowattHours)
        #expect(capped.greenEnergyKilowattHours > 0.9 * uncapped.greenEnergyKilowattHours, "green hours barely capped")
        #expect(capped.peakPower <= uncapped.peakPower)
        #expect(capped.peakPower.watts <= 8 * 6400 + 8 * 20, "the fleet never above its nodes' top tier")
        #expect(uncapped.limitChanges == 0 && capped.limitChanges > 0)
    }

    @Test func theSameSetupGivesTheSameResult() throws {
        var setup = Self.setup(nodes: 3, tick: .seconds(5))
        setup.hourlyGreenScores = Array(Self.springDay[10..<14])
        #expect(try FleetSimulation.run(setup, capped: true) == FleetSimulation.run(setup, capped: true))
    }

    /// `GREENCAP_CONTROLLER_BENCH=1 swift test -c release --filter FleetSimulationTests`: the figures
    /// (one 8-GPU tick, and 1000 nodes × 24 h at 1 s). Skipped otherwise: in a debug build it takes minutes.
    @Test(.enabled(if: getenv("GREENCAP_CONTROLLER_BENCH") != nil))
    func benchmark() throws {
        var controller = try NodeController(nodeID: "bench", config: Fixtures.config())
        var readings = Array(repeating: Fixtures.reading(power: 690, limit: 700), count: 8)
        let ticks = 200_000
        let clock = ContinuousClock()
        let tickTime = clock.measure {
            for tick in 0..<ticks {
                let now = Int64(tick) * 1000
                let conditions = NodeConditions(
                    now: now, target: Fixtures.target(tick % 600 < 300 ? 5000 : 4200), pduPower: .watts(5000 + Int64(tick % 7)),
                    leaseExpiresAt: now + 60_000, feedUpdatedAt: now)
                controller.step(conditions, gpus: readings)
                for change in controller.changes { readings[change.gpu].enforcedLimit = change.new }
            }
        }
        let perTick = Double(tickTime.components.attoseconds) / 1e12 / Double(ticks) + Double(tickTime.components.seconds) * 1e6 / Double(ticks)
        print("controller tick, 8 GPUs: \(perTick) µs")

        let nodes = getenv("GREENCAP_CONTROLLER_BENCH_NODES").flatMap { Int(String(cString: $0)) } ?? 1000
        let setup = Self.setup(nodes: nodes, tick: .seconds(1))
        var capped: FleetSimulation.Outcome?
        var uncapped: FleetSimulation.Outcome?
        let cappedTime = try clock.measure { capped = try FleetSimulation.run(setup, capped: true) }
        let uncappedTime = try clock.measure { uncapped = try FleetSimulation.run(setup, capped: false) }
        let withCaps = try #require(capped)
        let without = try #require(uncapped)
        print("fleet \(nodes) nodes × 24 h at 1 s: capped run \(cappedTime), uncapped run \(uncappedTime)")
        for (name, outcome) in [("capped", withCaps), ("uncapped", without)] {
            print(
                "\(name): green \(Int(outcome.greenEnergyKilowattHours)) kWh, other \(Int(outcome.otherEnergyKilowattHours)) kWh, "
                    + "green share \(Int(outcome.greenShare * 1000)) ‰, peak \(outcome.peakPower.wholeWattsText), limit writes \(outcome.limitChanges)")
        }
    }
}
