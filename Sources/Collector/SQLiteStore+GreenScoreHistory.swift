import GRDB

/// When each grid hour was recorded, so the API can tell which green score the collector was granting at a
/// wall-clock moment. A replayed hour's `start_utc` is a 2023 hour, and even a live hour is recorded after it
/// began; the score in force is the newest one recorded, not the one whose hour covers the moment.
extension SQLiteStore {
    /// Migration: `recorded_ms` (Unix ms) on `grid_hour`. Rows from before it keep NULL and are read as
    /// recorded when their hour ended.
    static func addGridHourRecordedColumn(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE grid_hour ADD COLUMN recorded_ms INTEGER")
    }

    /// A green score and when the collector started granting it.
    public struct RecordedScore: Sendable, Equatable {
        public var recordedMs: Int64
        public var score: Double
    }

    /// The scores recorded for `region` in [fromMs, toMs), preceded by the one in force at `fromMs` (if any),
    /// oldest first.
    public func recordedScores(region: String, fromMs: Int64, toMs: Int64) async throws(StoreError) -> [RecordedScore] {
        let recorded = "coalesce(recorded_ms, (start_utc + 3600) * 1000)"
        do {
            return try await pool.read { db in
                let before = try Row.fetchOne(
                    db,
                    sql: "SELECT \(recorded) AS at, green_score FROM grid_hour WHERE region = ? AND \(recorded) < ? ORDER BY at DESC, seq DESC LIMIT 1",
                    arguments: [region, fromMs])
                let within = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT \(recorded) AS at, green_score FROM grid_hour
                        WHERE region = ? AND \(recorded) >= ? AND \(recorded) < ? ORDER BY at, seq
                        """,
                    arguments: [region, fromMs, toMs])
                return ([before].compactMap { $0 } + within).map { RecordedScore(recordedMs: $0["at"], score: $0["green_score"]) }
            }
        } catch {
            throw StoreError.readFailed(path: path, reason: "\(error)")
        }
    }
}
