import GRDB

/// Telemetry tables (docs/collector.md, "Storage layout"). One row per series per received batch in
/// `sample_chunk`, so a million samples a second is ~100 000 row inserts, not a million.
extension SQLiteStore {
    static func createTelemetryTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE node (
                    id TEXT PRIMARY KEY NOT NULL,
                    site TEXT, row TEXT, rack TEXT,
                    agent_version TEXT,
                    peer TEXT,
                    first_seen_ms INTEGER NOT NULL,
                    last_seen_ms INTEGER NOT NULL,
                    last_sequence INTEGER NOT NULL DEFAULT 0
                ) WITHOUT ROWID;
                CREATE TABLE series (
                    id INTEGER PRIMARY KEY,
                    node_id TEXT NOT NULL,
                    metric TEXT NOT NULL,
                    labels TEXT NOT NULL,
                    unit TEXT NOT NULL,
                    decimals INTEGER NOT NULL,
                    kind INTEGER NOT NULL,
                    UNIQUE (node_id, metric, labels)
                );
                CREATE TABLE sample_chunk (
                    series_id INTEGER NOT NULL,
                    start_ms INTEGER NOT NULL,
                    end_ms INTEGER NOT NULL,
                    count INTEGER NOT NULL,
                    data BLOB NOT NULL
                );
                CREATE INDEX sample_chunk_by_series ON sample_chunk (series_id, start_ms);
                CREATE TABLE sample_minute (
                    series_id INTEGER NOT NULL,
                    minute_ms INTEGER NOT NULL,
                    count INTEGER NOT NULL,
                    mean REAL NOT NULL,
                    min INTEGER NOT NULL,
                    max INTEGER NOT NULL,
                    PRIMARY KEY (series_id, minute_ms)
                ) WITHOUT ROWID;
                CREATE TABLE ingested_batch (
                    node_id TEXT NOT NULL,
                    sequence INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    items INTEGER NOT NULL,
                    stored_ms INTEGER NOT NULL,
                    PRIMARY KEY (node_id, sequence)
                ) WITHOUT ROWID;
                CREATE TABLE event (
                    id INTEGER PRIMARY KEY,
                    node_id TEXT NOT NULL,
                    sequence INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    time_ms INTEGER NOT NULL,
                    code INTEGER,
                    text TEXT,
                    samples_thinned INTEGER,
                    events_dropped INTEGER
                );
                CREATE TABLE audit (
                    id INTEGER PRIMARY KEY,
                    node_id TEXT NOT NULL,
                    sequence INTEGER NOT NULL,
                    time_ms INTEGER NOT NULL,
                    record_node TEXT NOT NULL,
                    gpu INTEGER,
                    old_mw INTEGER,
                    new_mw INTEGER NOT NULL,
                    cause_code INTEGER NOT NULL,
                    cause_text TEXT NOT NULL,
                    author TEXT,
                    lease_expires_ms INTEGER,
                    dry_run INTEGER NOT NULL
                );
                CREATE TABLE policy_delivery (
                    node_id TEXT NOT NULL,
                    policy_id TEXT NOT NULL,
                    sent_ms INTEGER NOT NULL,
                    acked_ms INTEGER,
                    outcome TEXT,
                    reason TEXT,
                    PRIMARY KEY (node_id, policy_id)
                ) WITHOUT ROWID;
                """)
    }
}
