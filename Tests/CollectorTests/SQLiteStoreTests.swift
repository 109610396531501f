import Collector
import Foundation
import GreencapTestSupport
import Testing

@Suite struct SQLiteStoreTests {
    func hour(_ start: Int64, score: Double = 0.5) -> SQLiteStore.GridHour {
        SQLiteStore.GridHour(region: "KR-46", startUTC: start, solarMW: 100, windMW: nil, greenScore: score, source: "test")
    }

    @Test func recordsPersistAcrossReopenInWALMode() async throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let path = directory.path + "/collector.sqlite"
        do {
            let store = try SQLiteStore(path: path)
            try await store.record(hour(0))
            try await store.record(hour(3600, score: 0.9))
            try await store.record(hour(0, score: 0.7))  // same hour again replaces
            #expect(try await store.gridHourCount() == 2)
        }
        let reopened = try SQLiteStore(path: path)
        #expect(try await reopened.gridHourCount() == 2)
        let latest = try await reopened.latestGridHours(limit: 5)
        #expect(latest.map(\.startUTC) == [0, 3600], "newest recorded first")
        #expect(latest.first?.greenScore == 0.7)
        #expect(latest.first?.windMW == nil, "a missing value stays missing")

        // The sqlite3 shell, an independent reader, sees the same rows and the WAL journal.
        let shell = try Subprocess.run("/usr/bin/env", ["sqlite3", path, "PRAGMA journal_mode; SELECT count(*), sum(green_score) FROM grid_hour;"])
        #expect(shell.status == 0, "\(shell.output)")
        #expect(shell.output.split(separator: "\n") == ["wal", "2|1.6"])
    }

    @Test func unwritableLocationIsAClearError() {
        #expect {
            _ = try SQLiteStore(path: "/nonexistent-dir/collector.sqlite")
        } throws: { error in
            "\(error)".contains("/nonexistent-dir/collector.sqlite") && "\(error)".contains("writable")
        }
    }
}
