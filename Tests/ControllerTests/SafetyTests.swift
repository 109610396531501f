import Controller
import GreencapCore
import Testing

/// The controller's contract (DESIGN.md, "Safety invariants"): one test per invariant, named after it.
@Suite struct SafetyTests {
    static func config(_ configure: (inout ControllerConfig) -> Void = { _ in }) -> ControllerConfig {
        var config = Fixtures.config()
        configure(&config)
        return config
    }

    static func enforcedSum(_ simulation: NodeSimulation) -> Double { simulation.plant.gpus.reduce(0) { $0 + $1.enforcedLimit } }

    // MARK: 1. A failure never uncaps a node.

    @Test func invariant1_anExpiredLeaseGoesToTheSafeCapNeverTheGPUMaximum() throws {
        var simulation = try Fixtures.simulation(target: .watts(6400))
        simulation.leaseExpiresAt = 20_000
        simulation.run(seconds: 20)
        #expect(simulation.controller.status.cause.ruleID == "test")
        let status = simulation.tick()
        #expect(status.cause == .leaseExpired)
        #expect(status.effectiveCap == Fixtures.safeCap)
        #expect(status.alerts.contains(.safeCap))
        #expect(simulation.controller.changes.allSatisfy { $0.cause == .target(.leaseExpired) })
        simulation.run(seconds: 30)
        #expect(Self.enforcedSum(simulation) + 900 <= Fixtures.safeCap.watts)
        #expect(simulation.samples.suffix(25).allSatisfy { $0.power <= Fixtures.safeCap.watts + 10 })
    }

    @Test func invariant1_aStaleFeedGoesToTheSafeCap() throws {
        var simulation = try Fixtures.simulation(config: Self.config { $0.feedStaleAfter = .seconds(30) }, target: .watts(6000))
        simulation.feedUpdatedAt = 0
        simulation.run(seconds: 30)
        #expect(simulation.controller.status.effectiveCap == .watts(6000))
        simulation.run(seconds: 10)
        #expect(simulation.controller.status.cause == .feedStale)
        #expect(simulation.controller.status.effectiveCap == Fixtures.safeCap)
        #expect((simulation.samples.last?.power ?? .infinity) <= Fixtures.safeCap.watts + 10)
    }

    @Test func invariant1_anAgentStartingWithNoLeaseCapsAtOnce() throws {
        // A rebooted node: GPUs at their 700 W default, no lease yet.
        var simulation = try Fixtures.simulation(target: .watts(6400))
        simulation.leaseExpiresAt = nil
        let status = simulation.tick()
        #expect(status.cause == .noPolicy && status.effectiveCap == Fixtures.safeCap)
        #expect(simulation.controller.changes.count == 8, "lowered in the first tick")
        #expect(simulation.controller.changes.allSatisfy { $0.new < Fixtures.gpuMaximum })
    }

    @Test func invariant1_aRestartedAgentDoesNotJumpAboveTheLimitsItFinds() throws {
        // The previous agent left 400 W limits (keep-caps); the new one gets a 6400 W target.
        var plant = SimulatedNode(workload: .constant(watts: 690))
        for index in plant.gpus.indices { plant.gpus[index].setLimit(400, now: 0, delay: 0) }
        var simulation = try NodeSimulation(
            nodeID: "gc-restart", config: Fixtures.config(), plant: plant, target: Fixtures.target(6400))
        let first = simulation.tick()
        #expect(first.effectiveCap == .watts(4100), "starts from 8 × 400 W + 900 W")
        #expect(first.raiseStartsAt == simulation.controller.jitterOffsetMilliseconds)
    }

    // MARK: 2. Hard limits always win over renewable policy — RuleEvaluationTests.hardLimitsWinOverRenewablePolicy,
    // and here: a hard cap below the renewable tier holds the node even when the score says more.

    @Test func invariant2_aHardCapHoldsTheNodeWhateverTheScore() throws {
        let rules = CapRuleSet(
            hardCaps: [
                HardCapRule(
                    id: "row3-cooling", scope: .row("r3"), amount: .eachNode(.watts(4200)), reason: "CRAH 3 down",
                    author: "park.facility", issuedAt: 0)
            ],
            renewable: Fixtures.policy())
        var target = rules.evaluate(for: Fixtures.facts, greenScore: 1.0, now: 0, previousTier: nil)
        var simulation = try Fixtures.simulation(target: target.cap)
        simulation.target = target
        for score in [1.0, 0.9, 0.7, 0.95] {
            target = rules.evaluate(for: Fixtures.facts, greenScore: score, now: simulation.now, previousTier: target.renewableTier)
            simulation.target = target
            simulation.run(seconds: 10)
            #expect(simulation.samples.suffix(8).allSatisfy { $0.power <= 4200 + 10 })
        }
        #expect(simulation.journal.records.first?.author == "park.facility")
    }

    // MARK: 3. Caps are leases — invariant1_anExpiredLeaseGoesToTheSafeCapNeverTheGPUMaximum; renewal below.

    @Test func invariant3_aRenewedLeaseRaisesOnlyAfterTheJitterAndAtTheRate() throws {
        var simulation = try Fixtures.simulation(target: .watts(6400))
        simulation.leaseExpiresAt = 0
        simulation.run(seconds: 10)
        #expect(simulation.controller.status.effectiveCap == Fixtures.safeCap)
        let renewal = simulation.now
        simulation.leaseExpiresAt = renewal + 60_000
        simulation.run(seconds: 20)
        let offset = simulation.controller.jitterOffsetMilliseconds
        let after = simulation.samples.filter { $0.time >= renewal }
        for (previous, sample) in zip(after, after.dropFirst()) {
            #expect(sample.effectiveCap.value - previous.effectiveCap.value <= Milliwatts.watts(1000).value, "≤ 1000 W per 1 s tick")
            if sample.time < renewal + offset { #expect(sample.effectiveCap == Fixtures.safeCap) }
        }
        #expect(after.last?.effectiveCap == .watts(6400))
    }

    // MARK: 4. Lowering is immediate; raising is rate-limited and jittered per node.

    @Test func invariant4_loweringIsAppliedInTheSameTick() throws {
        var simulation = try Fixtures.simulation(target: .watts(6000))
        simulation.run(seconds: 20)
        simulation.target = Fixtures.target(4000)
        let status = simulation.tick()
        #expect(status.effectiveCap == .watts(4000))
        let limits = simulation.controller.changes.reduce(0) { $0 + $1.new.value }
        #expect(limits + status.nonGPUEstimate.value <= Milliwatts.watts(4000).value)
    }

    /// 1000 nodes, one lease renewal at the same instant: the raises spread over the jitter window.
    @Test func invariant4_aFleetDoesNotStepTogetherOnALeaseRenewal() throws {
        let nodes = 1000
        var controllers = try (0..<nodes).map { index throws(ControllerConfigError) in
            try NodeController(nodeID: String(format3(index)), config: Fixtures.config())
        }
        let window = Fixtures.config().raiseJitterWindow.wholeMilliseconds
        var readings = Array(repeating: Array(repeating: Fixtures.reading(power: 690, limit: 700), count: 8), count: nodes)
        let renewal: Int64 = 5_000
        var fleetCap = Array(repeating: Int64(0), count: 40)
        var firstRaise = Array(repeating: Int64?.none, count: nodes)
        for second in 0..<40 {
            let now = Int64(second) * 1000
            var total: Int64 = 0
            for node in 0..<nodes {
                let conditions = NodeConditions(
                    now: now, target: Fixtures.target(6400), pduPower: nil,
                    leaseExpiresAt: now < renewal ? 0 : renewal + 600_000, feedUpdatedAt: now)
                let status = controllers[node].step(conditions, gpus: readings[node])
                for change in controllers[node].changes {
                    readings[node][change.gpu].enforcedLimit = change.new
                    readings[node][change.gpu].power = min(Milliwatts.watts(690), change.new)
                }
                if status.effectiveCap > Fixtures.safeCap && firstRaise[node] == nil { firstRaise[node] = now }
                total += status.effectiveCap.value
            }
            fleetCap[second] = total
        }
        let starts = firstRaise.compactMap { $0 }
        #expect(starts.count == nodes, "every node raised")
        #expect(starts.allSatisfy { $0 >= renewal && $0 <= renewal + window + 1000 })
        // Per second of the window, about 1000 / 11 nodes start; none holds more than twice that.
        var perSecond: [Int64: Int] = [:]
        for start in starts { perSecond[start, default: 0] += 1 }
        #expect(perSecond.count >= 10, "starts spread over \(perSecond.count) seconds")
        #expect(perSecond.values.max() ?? nodes <= 2 * nodes / 11, "busiest second: \(perSecond.values.max() ?? 0)")
        // The fleet's cap never rises by more than 15 % of the whole raise in one tick (without jitter, the
        // 1000 W/s rate alone would let 1 MW of the 2.4 MW move in the first second).
        let raise = fleetCap[39] - fleetCap[0]
        #expect(raise == Int64(nodes) * Milliwatts.watts(2400).value)
        let largestStep = zip(fleetCap, fleetCap.dropFirst()).map { $1 - $0 }.max() ?? 0
        #expect(Double(largestStep) <= 0.15 * Double(raise), "largest one-tick rise: \(largestStep / 1_000_000) kW")
    }

    @Test func jitterOffsetsAreStableAndSpreadEvenly() {
        let offsets = (0..<10_000).map { NodeJitter.offsetMilliseconds(nodeID: "gc-\($0)", windowMilliseconds: 10_000) }
        #expect(NodeJitter.offsetMilliseconds(nodeID: "gc-17", windowMilliseconds: 10_000) == offsets[17])
        var buckets = Array(repeating: 0, count: 10)
        for offset in offsets { buckets[Int(min(9, offset / 1000))] += 1 }
        #expect(buckets.allSatisfy { $0 > 850 && $0 < 1150 }, "\(buckets)")
    }

    // MARK: 5. UPS on battery → emergency cap within one control tick.

    @Test func invariant5_upsOnBatteryCapsInTheSameTickAndReleasesAfterStableMains() throws {
        var simulation = try Fixtures.simulation(config: Self.config { $0.mainsStableHold = .seconds(30) }, target: .watts(6000))
        simulation.run(seconds: 20)
        simulation.upsOnBattery = true
        let onBattery = simulation.tick()
        #expect(onBattery.cause == .upsOnBattery && onBattery.effectiveCap == Fixtures.emergencyCap)
        #expect(onBattery.alerts.contains(.upsEmergency))
        let limits = simulation.controller.changes.reduce(0) { $0 + $1.new.value }
        #expect(limits + onBattery.nonGPUEstimate.value <= Fixtures.emergencyCap.value, "limits written in the tick that saw it")
        #expect(simulation.controller.changes.allSatisfy { $0.cause == .target(.upsOnBattery) })
        simulation.tick()
        #expect((simulation.samples.last?.power ?? .infinity) <= Fixtures.emergencyCap.watts + 0.05 * (6000 - 2800),
            "power under the emergency cap by the next tick")

        // Mains back for 20 s, a flicker, then back for good: the hold restarts.
        simulation.upsOnBattery = false
        simulation.run(seconds: 20)
        simulation.upsOnBattery = true
        simulation.tick()
        simulation.upsOnBattery = false
        let back = simulation.now
        simulation.run(seconds: 29)
        #expect(simulation.controller.status.effectiveCap == Fixtures.emergencyCap, "still held 29 s after mains")
        simulation.run(seconds: 30)
        #expect(simulation.controller.status.effectiveCap == .watts(6000))
        let release = simulation.samples.first { $0.time >= back && $0.requestedCap > Fixtures.emergencyCap }
        #expect(release.map { $0.time - back } == 30_000)
    }

    // MARK: 6. Applied limits are read back and re-applied on drift or after a GPU reset.

    @Test func invariant6_aGPUResetIsReadBackAndReapplied() throws {
        var simulation = try Fixtures.simulation(target: .watts(5000))
        simulation.run(seconds: 20)
        let set = simulation.plant.gpus[2].enforcedLimit
        simulation.plant.gpus[2].reset()
        #expect(simulation.plant.gpus[2].enforcedLimit == 700)
        simulation.tick()
        let drift = try #require(simulation.controller.changes.first { $0.gpu == 2 })
        #expect(drift.cause == .drift && drift.old == .watts(700))
        simulation.run(seconds: 2)
        #expect(abs(simulation.plant.gpus[2].enforcedLimit - set) <= 5)
        #expect(simulation.journal.records.contains { $0.cause == .drift && $0.gpu == 2 })
    }

    @Test func readBackWaitsForAWriteToTakeEffect() throws {
        // A 1.2 s write delay at a 100 ms tick: the enforced limit lags the write, which is not drift.
        var plant = PlantParameters()
        plant.limitWriteDelay = .milliseconds(1200)
        var simulation = try Fixtures.simulation(config: Self.config { $0.tick = .milliseconds(100) }, target: .watts(5000), plant: plant)
        simulation.run(seconds: 10)
        #expect(!simulation.journal.records.contains { $0.cause == .drift })
    }

    // MARK: 7. Every cap change is an audit record.

    @Test func invariant7_everyLimitChangeIsAnAuditRecord() throws {
        var simulation = try Fixtures.simulation(target: .watts(6000))
        simulation.target = Fixtures.target(5000, .hardCap(ruleID: "r9", scope: .node("gc-a01-n07"), author: "choi", reason: "test"))
        simulation.run(seconds: 10)
        simulation.upsOnBattery = true
        simulation.run(seconds: 5)
        var writes = 0
        var previous = simulation.samples.first?.enforcedLimitSum
        for sample in simulation.samples.dropFirst() {
            if sample.enforcedLimitSum != previous { writes += 1 }
            previous = sample.enforcedLimitSum
        }
        let records = simulation.journal.records
        #expect(records.count == simulation.samples.reduce(0) { $0 + $1.changeCount })
        #expect(records.count >= writes)
        #expect(records.allSatisfy { $0.node == "gc-a01-n07" && $0.gpu != nil && $0.old != nil && !$0.dryRun })
        #expect(records.first?.author == "choi" && records.first?.cause.author == "choi")
        #expect(records.contains { $0.cause == .target(.upsOnBattery) && $0.author == nil })
        #expect(records.allSatisfy { $0.leaseExpiresAt == simulation.leaseExpiresAt })
    }

    // MARK: Dry run, stop behaviour, implausible PDU.

    @Test func dryRunComputesAndAuditsButAppliesNothing() throws {
        var simulation = try Fixtures.simulation(config: Self.config { $0.dryRun = true }, target: .watts(4500))
        simulation.run(seconds: 10)
        #expect(simulation.plant.gpus.allSatisfy { $0.enforcedLimit == 700 }, "nothing written")
        let records = simulation.journal.records
        #expect(!records.isEmpty && records.allSatisfy(\.dryRun))
        #expect(records.prefix(8).allSatisfy { $0.new == .watts(450) }, "what it would set: (4500 − 900) / 8")
        #expect(!records.contains { $0.cause == .drift }, "limits never written are not drift")
        #expect(records.count < 8 + 8, "decisions, not one record per GPU per tick")
    }

    @Test func stopBehaviourKeepsCapsByDefaultOrRestoresDefaults() throws {
        let readings = Array(repeating: Fixtures.reading(power: 400, limit: 450), count: 8)
        let keeping = try NodeController(nodeID: "n", config: Fixtures.config())
        #expect(keeping.config.stopBehaviour == .keepCaps)
        #expect(keeping.stopChanges(gpus: readings).isEmpty)
        let restoring = try NodeController(nodeID: "n", config: Self.config { $0.stopBehaviour = .restoreDefaults })
        let changes = restoring.stopChanges(gpus: readings)
        #expect(changes.count == 8 && changes.allSatisfy { $0.new == Fixtures.gpuMaximum && $0.cause == .agentStop })
    }

    @Test(arguments: [Milliwatts.watts(-50), .watts(100_000), .watts(1200)])
    func anImplausiblePDUReadingIsIgnored(reading: Milliwatts) throws {
        var simulation = try Fixtures.simulation(target: .watts(5000))
        simulation.run(seconds: 10)
        simulation.pduOverride = .some(reading)
        simulation.run(seconds: 20)
        let status = simulation.controller.status
        #expect(status.alerts.contains(.pduImplausible))
        #expect(status.measuredPower != reading)
        #expect(simulation.samples.suffix(15).allSatisfy { $0.power <= 5000 + 10 }, "still under target")
    }

    @Test func invalidSettingsAreRejected() {
        #expect(throws: ControllerConfigError.self) {
            try NodeController(nodeID: "n", config: ControllerConfig(safeCap: .watts(3000), emergencyCap: .watts(3500)))
        }
        #expect(throws: ControllerConfigError.self) {
            try NodeController(nodeID: "n", config: Self.config { $0.tick = .milliseconds(50) })
        }
    }
}

private func format3(_ index: Int) -> String { "gc-\(index / 100)-\(index % 100)" }
