import Foundation
import Testing
@testable import Uplink

/// The cost of the fsync policy, for docs/spool.md. Off by default (it measures the disk, not the code):
/// `GREENCAP_SPOOL_BENCH=1 swift test --scratch-path .build-spool --filter SyncCostBenchmark`.
/// The spool goes in the system temporary directory; set TMPDIR to measure another disk.
@Suite struct SyncCostBenchmark {
    static let enabled = ProcessInfo.processInfo.environment["GREENCAP_SPOOL_BENCH"] == "1"

    @Test(.enabled(if: enabled)) func appendCostBySyncPolicy() async throws {
        let count = 2000
        let body = payload(1, size: 1024)
        for (name, sync, batch) in [("everyAppend, 1 record per call", SyncPolicy.everyAppend, 1),
                                    ("everyAppend, 100 records per call", .everyAppend, 100),
                                    ("beforeSend, 1 record per call", .beforeSend, 1)] {
            let fixture = try SpoolFixture(capacity: 64 << 20, segment: 4 << 20, sync: sync)
            defer { fixture.remove() }
            let spool = try await fixture.open()
            let clock = ContinuousClock()
            let elapsed = try await clock.measure {
                for start in stride(from: 0, to: count, by: batch) {
                    _ = try await spool.append((start..<(start + batch)).map { SpoolEntry(.samples, body, time: Int64($0)) })
                }
                try await spool.sync()
            }
            try await spool.close()
            let micros = Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12
            print("spool bench: \(name): \(count) × 1 KiB in \(Int(micros / 1000)) ms, \(String(format: "%.1f", micros / Double(count))) µs per record")
        }
    }
}
