import Foundation
import GreencapTestSupport
import Testing
import Wire
import WireClient

/// The exactly-once argument, tested: SIGKILL the collector mid-stream, restart it, resend everything not
/// acknowledged, and every sample and event is stored exactly once.
@Suite(.serialized) struct IngestCrashTests {
    @Test func killedMidStreamThenResentIsStoredExactlyOnce() async throws {
        let collector = try CollectorUnderTest(nodes: ["crash-1"], extraStorage: "commit_interval = \"20ms\"")
        try await collector.start()
        var model = NodeStreamModel(seed: 5, start: IngestTime.nowMs())
        let total: UInt64 = 400
        // Sequences 1…400: every tenth is an event batch, the rest are sample batches; all kept until acked.
        var outbox: [UInt64: WireMessage] = [:]
        var sentSamples: [String: [Int64]] = [:]
        var sentEvents = 0
        for sequence in 1...total {
            if sequence % 10 == 0 {
                let events: [WireEvent] = [
                    .note(time: Int64(sequence), code: 3, text: "event \(sequence)"),
                    .spoolLoss(time: Int64(sequence), samplesThinned: sequence, eventsDropped: 0),
                ]
                sentEvents += events.count
                outbox[sequence] = .events(EventBatch(sequence: sequence, events: events))
            } else {
                var batch = model.nextBatch()
                batch.sequence = sequence
                for column in batch.columns {
                    sentSamples[IngestSessionTests.key(model.series[Int(column.seriesID)]), default: []] += column.values.compactMap { $0 }
                }
                outbox[sequence] = .samples(batch)
            }
        }

        var acked: UInt64 = 0
        var killed = false
        for attempt in 0..<10 {
            let session = try await IngestSessionTests.connect(collector, node: "crash-1")
            #expect(session.lastStoredSequence >= acked, "the collector never forgets an ack it sent")
            acked = max(acked, session.lastStoredSequence)
            if acked >= total {
                await session.close()
                break
            }
            try await session.send(.seriesDictionary(model.series))
            let reader = Task { [inbound = session.inbound] in
                var highest: UInt64 = 0
                for await message in inbound { if case .ack(let s) = message { highest = max(highest, s) } }
                return highest
            }
            // Resend everything not acknowledged, as fast as the socket takes it.
            var diedUnderUs = false
            for sequence in (acked + 1)...total {
                guard let message = outbox[sequence] else { break }
                do { try await session.send(message) } catch {
                    diedUnderUs = true
                    break
                }
                if !killed && sequence == 150 {
                    // Mid-stream: some batches committed and acked, some queued for the writer, some on the wire.
                    collector.kill()
                    killed = true
                    try await collector.start()
                    diedUnderUs = true
                    break
                }
            }
            if !diedUnderUs {
                let deadline = ContinuousClock.now + .seconds(30)
                while ContinuousClock.now < deadline,
                    (try? collector.sqlInt("SELECT last_sequence FROM node WHERE id = 'crash-1'")) ?? 0 < Int(total)
                {
                    try await Task.sleep(for: .milliseconds(50))
                }
                try await Task.sleep(for: .milliseconds(200))  // the last ack's frame
            }
            await session.close()
            acked = max(acked, await reader.value)
            #expect(attempt < 9, "too many reconnects:\n\(collector.text)")
        }
        #expect(killed)
        #expect(acked == total)
        #expect(try collector.sqlInt("SELECT count(*) FROM ingested_batch WHERE node_id = 'crash-1'") == Int(total))
        #expect(try collector.sqlInt("SELECT count(DISTINCT sequence) FROM ingested_batch") == Int(total))
        let sampleBatches = Int(total - total / 10)
        #expect(try collector.sqlInt("SELECT count(*) FROM sample_chunk") == sampleBatches * model.series.count)
        #expect(try collector.sqlInt("SELECT count(*) FROM event") == sentEvents)
        #expect(try collector.sqlInt("SELECT count(DISTINCT sequence) FROM event") == Int(total / 10))
        let stored = try StoredSamples.read(collector)
        #expect(stored == sentSamples, "every sample once, in order, with its value")
        #expect(await collector.stop() == 0)
    }
}
