import Foundation
import GreencapTestSupport
import Testing
import Wire
import WireClient

/// Raw chunks past `raw_retention` become 1-minute count/mean/min/max rows, checked against what was sent.
@Suite(.serialized) struct IngestRetentionTests {
    @Test func oldChunksAreFoldedIntoMinuteRows() async throws {
        let collector = try CollectorUnderTest(
            nodes: ["old-1"], extraStorage: "raw_retention = \"60s\"\nretention_check = \"300ms\"")
        try await collector.start()
        let session = try await IngestSessionTests.connect(collector, node: "old-1")
        // 2025-01-01T00:00:00Z onwards: long past the 60 s retention. 12 batches of 10 s = 2 minutes.
        var model = NodeStreamModel(seed: 11, start: 1_735_689_600_000)
        try await session.send(.seriesDictionary(model.series))
        var minutes: [Int64: [Int64]] = [:]  // series 0 (gpu 0 power) per minute
        var acks = session.inbound.makeAsyncIterator()
        for _ in 0..<12 {
            let batch = model.nextBatch()
            for (time, value) in zip(batch.timestamps, batch.columns[0].values) {
                if let value { minutes[time / 60_000 * 60_000, default: []].append(value) }
            }
            try await session.send(.samples(batch))
        }
        #expect(await IngestSessionTests.waitForAck(&acks, atLeast: 12) == 12)
        await session.close()

        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline, try collector.sqlInt("SELECT count(*) FROM sample_chunk") != 0 {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(try collector.sqlInt("SELECT count(*) FROM sample_chunk") == 0, "\(collector.text)")
        #expect(try collector.sqlInt("SELECT count(*) FROM sample_minute") == 2 * model.series.count)
        #expect(try collector.sqlInt("SELECT sum(count) FROM sample_minute") == 120 * model.series.count)
        for (minute, values) in minutes {
            let row = try collector.sql(
                """
                SELECT m.count, printf('%.6f', m.mean), m.min, m.max FROM sample_minute m JOIN series s ON s.id = m.series_id
                WHERE s.metric = 'gpu_power_watts' AND s.labels = 'gpu=0' AND m.minute_ms = \(minute)
                """)
            let mean = Double(values.reduce(0, +)) / Double(values.count)
            let expected = "\(values.count)|\(String(format: "%.6f", mean))|\(values.min() ?? 0)|\(values.max() ?? 0)"
            #expect(row == expected, "minute \(minute)")
        }
        #expect(await collector.stop() == 0)
    }
}
