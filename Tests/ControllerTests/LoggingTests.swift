import Controller
import GreencapCore
import Logging
import Synchronization
import Testing

/// Conditions are logged once when they start and once when they end, never per tick.
@Suite struct LoggingTests {
    final class Captured: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
    }

    struct CapturingHandler: LogHandler {
        let captured: Captured
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            captured.lines.withLock { $0.append("\(event.level) \(event.message)") }
        }
    }

    @Test func anIgnoringGPUAndTheUPSAreLoggedOnceEachWay() throws {
        let captured = Captured()
        let logger = Logger(label: "test") { _ in CapturingHandler(captured: captured) }
        var simulation = try NodeSimulation(
            nodeID: "gc-log", config: Fixtures.config(), plant: SimulatedNode(workload: .constant(watts: 690)),
            target: Fixtures.target(4500), logger: logger)
        simulation.run(seconds: 10)
        simulation.plant.gpus[5].ignoresLimit = true
        simulation.upsOnBattery = true
        simulation.run(seconds: 30)
        let lines = captured.all
        #expect(lines.filter { $0.contains("ignores its power limit") }.count == 1, "\(lines)")
        #expect(lines.filter { $0.contains("UPS emergency cap: on") }.count == 1, "\(lines)")
        #expect(lines.allSatisfy { $0.hasPrefix("warning") || $0.hasPrefix("error") || $0.hasPrefix("notice") })
    }

    @Test func rejectedRulesAreLoggedWithTheirRemedy() {
        let captured = Captured()
        let logger = Logger(label: "test") { _ in CapturingHandler(captured: captured) }
        var policy = Fixtures.policy()
        policy.floor = .watts(7000)
        let target = CapRuleSet(renewable: policy).evaluate(for: Fixtures.facts, greenScore: 1, now: 0, previousTier: nil)
        target.logRejections(to: logger, node: Fixtures.node.id)
        #expect(captured.all == [
            "warning cap rule rejected, node held at or below its safe cap: floor 7000 W is above ceiling 6400 W; lower the floor or raise the ceiling so that floor ≤ ceiling"
        ])
    }
}
