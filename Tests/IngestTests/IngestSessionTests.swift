import Foundation
import GreencapTestSupport
import NIOCore
import Testing
import Wire
import WireClient

/// Handshake, storage, acks and dedup against the real collector binary.
@Suite(.serialized) struct IngestSessionTests {
    /// Connects; a refusal as "already connected" right after closing the previous session is retried for a
    /// moment, because the collector releases a node when it has processed the old connection's close.
    static func connect(_ collector: CollectorUnderTest, node: String, key: NodeKey? = nil) async throws -> WireSession {
        let deadline = ContinuousClock.now + .seconds(3)
        while true {
            do {
                return try await WireSession.connect(
                    host: "127.0.0.1", port: collector.port, nodeID: node, key: key ?? CollectorUnderTest.key(node: node),
                    agentVersion: "test")
            } catch let error as WireClientError {
                guard error.problem == .refused("node already connected"), ContinuousClock.now < deadline else { throw error }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// Waits for an ack of at least `sequence`; nil if the stream ended or the time ran out.
    static func waitForAck(_ iterator: inout AsyncStream<WireMessage>.Iterator, atLeast sequence: UInt64) async -> UInt64? {
        while let message = await iterator.next() {
            if case .ack(let acked) = message, acked >= sequence { return acked }
        }
        return nil
    }

    @Test func handshakeStoresAcksAndDeduplicates() async throws {
        let collector = try CollectorUnderTest(nodes: ["gpu-a01"])
        try await collector.start()
        let session = try await Self.connect(collector, node: "gpu-a01")
        #expect(session.lastStoredSequence == 0)
        var model = NodeStreamModel(seed: 3, start: IngestTime.nowMs())
        try await session.send(.seriesDictionary(model.series))
        let batch = model.nextBatch()
        var acks = session.inbound.makeAsyncIterator()
        try await session.send(.samples(batch))
        #expect(await Self.waitForAck(&acks, atLeast: 1) == 1)
        // The same sequence again: acknowledged, not stored twice.
        try await session.send(.samples(batch))
        #expect(await Self.waitForAck(&acks, atLeast: 1) == 1)
        try await session.send(.events(EventBatch(sequence: 2, events: [.note(time: 1, code: 7, text: "hello")])))
        #expect(await Self.waitForAck(&acks, atLeast: 2) == 2)
        await session.close()

        #expect(try collector.sqlInt("SELECT count(*) FROM ingested_batch") == 2)
        #expect(try collector.sqlInt("SELECT count(*) FROM sample_chunk") == model.series.count)
        #expect(try collector.sqlInt("SELECT sum(count) FROM sample_chunk") == batch.sampleCount)
        #expect(try collector.sqlInt("SELECT count(*) FROM series WHERE node_id = 'gpu-a01'") == model.series.count)
        #expect(try collector.sql("SELECT last_sequence, agent_version FROM node") == "2|test")
        #expect(try collector.sql("SELECT kind, code, text FROM event") == "note|7|hello")

        // A new connection learns where to resume.
        let again = try await Self.connect(collector, node: "gpu-a01")
        #expect(again.lastStoredSequence == 2)
        await again.close()
        #expect(await collector.stop() == 0, "SIGTERM drains and exits 0:\n\(collector.text)")
    }

    @Test func storedChunksDecodeToWhatWasSent() async throws {
        let collector = try CollectorUnderTest(nodes: ["gpu-b02"])
        try await collector.start()
        let session = try await Self.connect(collector, node: "gpu-b02")
        var model = NodeStreamModel(seed: 9, start: IngestTime.nowMs())
        try await session.send(.seriesDictionary(model.series))
        var acks = session.inbound.makeAsyncIterator()
        var sent: [String: [Int64]] = [:]
        for _ in 0..<3 {
            var batch = model.nextBatch()
            // A gap: series 5 misses its second tick.
            batch.columns[5].values[1] = nil
            for column in batch.columns {
                sent[Self.key(model.series[Int(column.seriesID)]), default: []] += column.values.compactMap { $0 }
            }
            try await session.send(.samples(batch))
        }
        #expect(await Self.waitForAck(&acks, atLeast: 3) == 3)
        await session.close()
        let stored = try StoredSamples.read(collector)
        #expect(stored == sent)
        await collector.stop()
    }

    static func key(_ series: SeriesDefinition) -> String {
        series.metric + "{" + series.labels.sorted { $0.name < $1.name }.map { "\($0.name)=\($0.value)" }.joined(separator: ",") + "}"
    }
}

enum IngestTime {
    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

/// Every stored chunk, decoded, per series (values in time order), read through the sqlite3 shell.
enum StoredSamples {
    static func read(_ collector: CollectorUnderTest) throws -> [String: [Int64]] {
        let text = try collector.sql(
            "SELECT s.metric || '{' || s.labels || '}', hex(c.data) FROM sample_chunk c JOIN series s ON s.id = c.series_id ORDER BY c.series_id, c.start_ms, c.rowid")
        var result: [String: [Int64]] = [:]
        for line in text.split(separator: "\n") {
            guard let bar = line.lastIndex(of: "|") else { continue }
            let name = String(line[..<bar])
            let hex = Array(line[line.index(after: bar)...].utf8)
            var bytes: [UInt8] = []
            var index = 0
            while index + 1 < hex.count {
                bytes.append(UInt8(String(decoding: hex[index...index + 1], as: UTF8.self), radix: 16) ?? 0)
                index += 2
            }
            let chunk = try SampleColumnChunk(decoding: bytes)
            result[name, default: []] += chunk.values
        }
        return result
    }
}
