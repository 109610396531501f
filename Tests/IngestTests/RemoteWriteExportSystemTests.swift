import Foundation
import GreencapTestSupport
import Testing
import Wire
import WireClient

/// The collector's remote-write export end to end: agent batches over the Wire protocol → the real collector
/// stores them → its exporter → a real Prometheus, read back through Prometheus' query API value for value;
/// then Prometheus killed and restarted while the agent keeps sending, and the exporter catches up from its
/// watermark; and a batch Prometheus refuses (out of order) is skipped past without stalling what follows.
@Suite(.serialized) struct RemoteWriteExportSystemTests {
    static let node = "gpu-rw01"

    /// Two series: a power gauge with one decimal (wire integer = W × 10), an energy counter in whole joules.
    static let definitions = [
        SeriesDefinition(id: 0, metric: "gpu_power_watts", labels: [.init("gpu", "0")], unit: "W", decimals: 1),
        SeriesDefinition(id: 1, metric: "gpu_energy_joules", labels: [.init("gpu", "0")], unit: "J", decimals: 0, kind: .counter),
    ]
    static let powerLabels = ["__name__": "greencap_gpu_power_watts", "node": node, "gpu": "0"]
    static let energyLabels = ["__name__": "greencap_gpu_energy_joules_total", "node": node, "gpu": "0"]

    /// `count` ticks 1 s apart from `start`; power 250.0 W + 0.3 W per tick, energy growing 1000 J per tick.
    static func batch(_ sequence: UInt64, start: Int64, count: Int) -> SampleBatch {
        let times = (0..<count).map { start + Int64($0) * 1000 }
        let power: [Int64?] = (0..<count).map { 2500 + Int64(sequence) * 100 + Int64($0) * 3 }
        let energy: [Int64?] = (0..<count).map { 1_000_000 + Int64(sequence) * 10_000 + Int64($0) * 1000 }
        return SampleBatch(
            sequence: sequence, timestamps: times, columns: [SampleColumn(seriesID: 0, values: power), SampleColumn(seriesID: 1, values: energy)])
    }

    /// What Prometheus must hold for the batches: (ms, value) per series, values scaled by the decimals.
    static func expected(_ batches: [SampleBatch]) -> (power: [(Int64, Double)], energy: [(Int64, Double)]) {
        var power: [(Int64, Double)] = []
        var energy: [(Int64, Double)] = []
        for batch in batches {
            for (index, time) in batch.timestamps.enumerated() {
                if let value = batch.columns[0].values[index] { power.append((time, Double(value) / 10)) }
                if let value = batch.columns[1].values[index] { energy.append((time, Double(value))) }
            }
        }
        return (power.sorted { $0.0 < $1.0 }, energy.sorted { $0.0 < $1.0 })
    }

    static func waitForAck(_ iterator: inout AsyncStream<WireMessage>.Iterator, _ sequence: UInt64) async throws {
        while let message = await iterator.next() {
            if case .ack(let acked) = message, acked >= sequence { return }
        }
        throw TestFailure("no ack for \(sequence)")
    }

    /// Polls Prometheus until it holds exactly `want` for both series (or the time runs out); returns what it saw.
    static func waitForPrometheus(
        _ prometheus: PrometheusReceiver, _ want: (power: [(Int64, Double)], energy: [(Int64, Double)]), timeout: Duration
    ) async throws -> [[String: String]: [(Int64, Double)]] {
        let deadline = ContinuousClock.now + timeout
        var stored: [[String: String]: [(Int64, Double)]] = [:]
        while ContinuousClock.now < deadline {
            stored = try prometheus.rawSamples("{__name__=~\"greencap_.*\"}")
            if same(stored[powerLabels], want.power) && same(stored[energyLabels], want.energy) { return stored }
            try await Task.sleep(for: .milliseconds(200))
        }
        return stored
    }

    static func same(_ got: [(Int64, Double)]?, _ want: [(Int64, Double)]) -> Bool {
        guard let got, got.count == want.count else { return false }
        return zip(got, want).allSatisfy { $0.0 == $1.0 && $0.1.bitPattern == $1.1.bitPattern }
    }

    @Test func exportsToPrometheusAndCatchesUpAfterAnOutage() async throws {
        let started = ContinuousClock.now
        let prometheus = try PrometheusReceiver()
        try await prometheus.start()
        let collector = try CollectorUnderTest(
            nodes: [Self.node],
            extraIngest: """

                [remote_write]
                url = "\(prometheus.writeURL)"
                every = "200ms"
                timeout = "1s"
                max_samples_per_request = 7
                """)
        try await collector.start()
        #expect(await collector.waitForLog("remote-write export started"), "\(collector.text)")

        let session = try await WireSession.connect(
            host: "127.0.0.1", port: collector.port, nodeID: Self.node, key: CollectorUnderTest.key(node: Self.node), agentVersion: "test")
        var acks = session.inbound.makeAsyncIterator()
        try await session.send(.seriesDictionary(Self.definitions))

        // Near now (Prometheus refuses samples older than its head block); odd milliseconds prove no rounding.
        let t0 = IngestTime.nowMs() - 60_000 + 7
        var sent = [Self.batch(1, start: t0, count: 5)]
        try await session.send(.samples(sent[0]))
        try await Self.waitForAck(&acks, 1)
        var stored = try await Self.waitForPrometheus(prometheus, Self.expected(sent), timeout: .seconds(30))
        #expect(Self.same(stored[Self.powerLabels], Self.expected(sent).power), "power in Prometheus: \(stored)")
        #expect(Self.same(stored[Self.energyLabels], Self.expected(sent).energy), "energy in Prometheus: \(stored)")
        #expect(stored.count == 2, "only the two series: \(stored.keys)")
        print("prometheus after batch 1: \(stored.mapValues { $0.map { "\($0.0):\($0.1)" } })")

        // Receiver down: the collector keeps storing (acks go on) and the exporter keeps its place.
        prometheus.kill()
        let mark = try collector.sqlInt("SELECT last_rowid FROM export_state")
        sent.append(Self.batch(2, start: t0 + 10_000, count: 6))
        try await session.send(.samples(sent[1]))
        try await Self.waitForAck(&acks, 2)
        #expect(await collector.waitForLog("remote-write receiver unreachable", timeout: .seconds(20)), "\(collector.text)")
        #expect(try collector.sqlInt("SELECT last_rowid FROM export_state") == mark, "watermark held while the receiver is down")
        #expect(try collector.sqlInt("SELECT max(rowid) FROM sample_chunk") > mark)

        try await prometheus.start()
        stored = try await Self.waitForPrometheus(prometheus, Self.expected(sent), timeout: .seconds(60))
        #expect(Self.same(stored[Self.powerLabels], Self.expected(sent).power), "after the outage: \(stored)")
        #expect(Self.same(stored[Self.energyLabels], Self.expected(sent).energy), "after the outage: \(stored)")
        #expect(await collector.waitForLog("remote-write receiver reachable again"), "\(collector.text)")
        #expect(collector.text.components(separatedBy: "remote-write receiver unreachable").count == 2, "the outage is logged once")

        // A batch for times Prometheus already has, with other values: refused (400 out of order), logged, counted
        // and skipped; the batch after it still arrives.
        let stale = Self.batch(3, start: t0 + 1_500, count: 2)
        try await session.send(.samples(stale))
        try await Self.waitForAck(&acks, 3)
        #expect(await collector.waitForLog("refused a request", timeout: .seconds(20)), "\(collector.text)")
        #expect(collector.text.contains("out of order"), "the receiver's reason is logged")
        sent.append(Self.batch(4, start: t0 + 20_000, count: 3))
        try await session.send(.samples(sent[2]))
        try await Self.waitForAck(&acks, 4)
        stored = try await Self.waitForPrometheus(prometheus, Self.expected(sent), timeout: .seconds(30))
        #expect(Self.same(stored[Self.powerLabels], Self.expected(sent).power), "after the refusal: \(stored)")
        #expect(Self.same(stored[Self.energyLabels], Self.expected(sent).energy), "after the refusal: \(stored)")
        await session.close()

        let exported = sent.reduce(0) { $0 + $1.sampleCount }
        #expect(try collector.sql("SELECT exported_samples, rejected_requests, rejected_samples FROM export_state") == "\(exported)|1|4")
        #expect(try collector.sqlInt("SELECT last_rowid FROM export_state") == collector.sqlInt("SELECT max(rowid) FROM sample_chunk"))
        #expect(await collector.stop() == 0, "SIGTERM drains and exits 0:\n\(collector.text)")
        print("remote-write export system test: \(ContinuousClock.now - started)")
    }
}
