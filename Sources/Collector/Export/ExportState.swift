import GRDB

/// Where the remote-write export stands, persisted so a restart neither resends nor skips: the highest
/// `sample_chunk` rowid handed to the receiver (2xx) or given up on (4xx), plus running totals.
///
/// The watermark is the chunk's rowid, not (start_ms, series_id): rowids follow commit order, and an agent
/// that resends its spool after an outage commits chunks for old times *after* newer ones. An order by
/// sample time would already be past them and never send them.
struct ExportState: Sendable, Equatable {
    var lastRowID: Int64 = 0
    var exportedSamples: Int64 = 0
    var rejectedRequests: Int64 = 0
    var rejectedSamples: Int64 = 0
}

extension SQLiteStore {
    /// Migration `4-export-state`: one row per exporter (`name`), so another exporter could be added.
    static func createExportStateTable(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE export_state (
                    name TEXT PRIMARY KEY NOT NULL,
                    last_rowid INTEGER NOT NULL,
                    exported_samples INTEGER NOT NULL DEFAULT 0,
                    rejected_requests INTEGER NOT NULL DEFAULT 0,
                    rejected_samples INTEGER NOT NULL DEFAULT 0,
                    updated_ms INTEGER NOT NULL
                ) WITHOUT ROWID
                """)
    }

    /// The saved state; on the first start, a new state at the newest chunk stored so far. History from
    /// before export was configured is not sent: receivers refuse samples that old (Prometheus: older than
    /// its head block) and each refusal would be a logged 400.
    func loadExportState(name: String, nowMs: Int64) async throws -> ExportState {
        try await pool.write { db in
            if let row = try Row.fetchOne(
                db,
                sql: "SELECT last_rowid, exported_samples, rejected_requests, rejected_samples FROM export_state WHERE name = ?",
                arguments: [name])
            {
                return ExportState(
                    lastRowID: row["last_rowid"], exportedSamples: row["exported_samples"],
                    rejectedRequests: row["rejected_requests"], rejectedSamples: row["rejected_samples"])
            }
            let newest = try Int64.fetchOne(db, sql: "SELECT max(rowid) FROM sample_chunk") ?? 0
            let state = ExportState(lastRowID: newest)
            try Self.save(state, name: name, nowMs: nowMs, db)
            return state
        }
    }

    func saveExportState(_ state: ExportState, name: String, nowMs: Int64) async throws {
        try await pool.write { db in try Self.save(state, name: name, nowMs: nowMs, db) }
    }

    private static func save(_ state: ExportState, name: String, nowMs: Int64, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO export_state (name, last_rowid, exported_samples, rejected_requests, rejected_samples, updated_ms)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET last_rowid = excluded.last_rowid, exported_samples = excluded.exported_samples,
                    rejected_requests = excluded.rejected_requests, rejected_samples = excluded.rejected_samples,
                    updated_ms = excluded.updated_ms
                """,
            arguments: [name, state.lastRowID, state.exportedSamples, state.rejectedRequests, state.rejectedSamples, nowMs])
    }
}
