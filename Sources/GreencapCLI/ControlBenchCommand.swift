import ArgumentParser
import Controller
import Foundation
import GreencapCore
import Grid

/// `greencap control bench`: what the cap controller costs and what it does to a fleet's energy. `make bench`
/// (scripts/bench.sh, section 7) runs it on a real Jeonnam day; docs/performance.md keeps the figures.
struct ControlBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time one control tick and simulate a fleet through a real day, capped against uncapped.",
        discussion: """
            Tick: one 8-GPU control tick with a PDU reading and a lease, the target stepping every 5 minutes; thread \
            CPU per tick, over --ticks ticks. Fleet: --nodes simulated nodes through the 24 hours of --day at 1 s \
            ticks on the virtual clock, each hour at the green score the KPX data gives it; once with the renewable \
            policy, once uncapped; wall time, energy in green (score ≥ 0.5) and other hours, and peak power.
            """,
        shouldDisplay: false)

    @OptionGroup var data: GridDataOptions

    @Option(help: "The KST day to replay (YYYY-MM-DD).")
    var day: String

    @Option(help: "Simulated nodes.")
    var nodes = 1000

    @Option(help: "Ticks timed for the per-tick figure.")
    var ticks = 200_000

    func run() throws {
        let perTick = try tickMicroseconds()
        print(String(format: "controller tick, 8 GPUs: %.3f µs thread CPU (mean of %d)", perTick, ticks))

        let scores = try dayScores()
        print("green score by hour, \(day) KST: " + scores.map { String(format: "%.2f", $0) }.joined(separator: " "))
        var config = ControllerConfig(safeCap: .watts(4500), emergencyCap: .watts(2500))
        config.tick = .seconds(1)
        let policy = RenewablePolicy(
            id: "jeonnam-green", floor: .watts(3500), ceiling: .watts(6400),
            tiers: [
                RenewableTier(minimumScore: 0, cap: .watts(3500)), RenewableTier(minimumScore: 0.3, cap: .watts(4500)),
                RenewableTier(minimumScore: 0.5, cap: .watts(5500)), RenewableTier(minimumScore: 0.7, cap: .watts(6400)),
            ],
            author: "bench", issuedAt: -1)
        var setup = FleetSimulation.Setup(
            nodeCount: nodes, hourlyGreenScores: scores, rules: CapRuleSet(renewable: policy), controller: config)
        setup.seed = 11
        let clock = ContinuousClock()
        var capped: FleetSimulation.Outcome?
        var uncapped: FleetSimulation.Outcome?
        let cappedTime = try clock.measure { capped = try FleetSimulation.run(setup, capped: true) }
        let uncappedTime = try clock.measure { uncapped = try FleetSimulation.run(setup, capped: false) }
        guard let capped, let uncapped else { return }
        print("fleet \(nodes) nodes × 24 h at 1 s: capped run \(seconds(cappedTime)) s wall, uncapped run \(seconds(uncappedTime)) s wall")
        for (name, outcome) in [("capped", capped), ("uncapped", uncapped)] {
            print(
                String(
                    format: "%@: green-hour energy %.0f kWh, other %.0f kWh, green share %.1f %%, peak %.2f MW, limit writes %d",
                    name, outcome.greenEnergyKilowattHours, outcome.otherEnergyKilowattHours, outcome.greenShare * 100,
                    Double(outcome.peakPower.value) / 1e9, outcome.limitChanges))
        }
        print(
            String(
                format: "capped/uncapped: other-hour energy %.2f, green-hour energy %.2f, peak %.2f",
                capped.otherEnergyKilowattHours / uncapped.otherEnergyKilowattHours,
                capped.greenEnergyKilowattHours / uncapped.greenEnergyKilowattHours,
                Double(capped.peakPower.value) / Double(uncapped.peakPower.value)))
    }

    private func tickMicroseconds() throws -> Double {
        var controller = try NodeController(nodeID: "bench", config: ControllerConfig(safeCap: .watts(5600), emergencyCap: .watts(3000)))
        var readings = Array(
            repeating: GPUReading(
                power: .watts(690), enforcedLimit: .watts(700), minimumLimit: .watts(200), maximumLimit: .watts(700),
                defaultLimit: .watts(700), pinned: true),
            count: 8)
        let facts = NodeFacts(identity: NodeIdentity(id: "bench"), safeCap: .watts(5600), lowestEnforceable: .watts(2500))
        let high = CapRuleSet(hardCaps: [
            HardCapRule(id: "cap", scope: .node("bench"), amount: .eachNode(.watts(5000)), reason: "bench", author: "bench", issuedAt: -1)
        ])
        let low = CapRuleSet(hardCaps: [
            HardCapRule(id: "cap", scope: .node("bench"), amount: .eachNode(.watts(4200)), reason: "bench", author: "bench", issuedAt: -1)
        ])
        let targets = [high, low].map { $0.evaluate(for: facts, greenScore: 0.5, now: 0, previousTier: nil) }
        let started = Clocks.threadCPU()
        for tick in 0..<max(1, ticks) {
            let now = Int64(tick) * 1000
            controller.step(
                NodeConditions(
                    now: now, target: targets[tick % 600 < 300 ? 0 : 1], pduPower: .watts(5000 + Int64(tick % 7)),
                    leaseExpiresAt: now + 60_000, feedUpdatedAt: now),
                gpus: readings)
            for change in controller.changes { readings[change.gpu].enforcedLimit = change.new }
        }
        return Double(Clocks.threadCPU() - started) / 1000 / Double(max(1, ticks))
    }

    /// The day's 24 hourly green scores, each scored against the 28 days before it (docs/green-score.md).
    private func dayScores() throws -> [Double] {
        guard !data.paths.isEmpty else { throw CLIError("name the data with --data DIR (KPX files as published)") }
        let files = try GridFiles.load(data.paths, region: data.region, quantity: data.quantity)
        let records = files.merge.records
        let scores = GreenScorer().scores(records)
        let start = try GridTime.parse(day, option: "--day")
        var byHour: [Int64: Double] = [:]
        for (record, score) in zip(records, scores) { byHour[record.startUTC] = score }
        let day = (0..<24).compactMap { byHour[start + Int64($0) * 3600] }
        guard day.count == 24 else { throw CLIError("--day \(self.day): the data has \(day.count) of its 24 hours") }
        return day
    }

    private func seconds(_ duration: Duration) -> String {
        String(format: "%.1f", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }
}

/// `greencap control`: the cap controller's tools.
struct ControlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "control", abstract: "The power-cap controller's tools.", shouldDisplay: false,
        subcommands: [ControlBenchCommand.self])
}
