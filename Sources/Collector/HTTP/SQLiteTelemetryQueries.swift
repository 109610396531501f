import Foundation
import GRDB
import Wire

/// `TelemetryQueries` over the telemetry tables the ingest server writes (SQLiteStore+Telemetry.swift).
/// Reads go through the pool's readers (WAL), so API traffic never waits on the ingest writer.
public struct SQLiteTelemetryQueries: TelemetryQueries {
    let store: SQLiteStore

    public init(store: SQLiteStore) { self.store = store }

    public func nodes() async throws -> [NodeSummary] {
        try await store.pool.read { db in
            try Row.fetchAll(db, sql: Self.nodeSQL + " ORDER BY n.id").map(Self.summary)
        }
    }

    public func node(id: String) async throws -> NodeDetail? {
        try await store.pool.read { db in
            guard let row = try Row.fetchOne(db, sql: Self.nodeSQL + " WHERE n.id = ?", arguments: [id]) else { return nil }
            return NodeDetail(node: Self.summary(row), series: try Self.series(node: id, metric: nil, db: db).map(\.info))
        }
    }

    public func latest(node: String) async throws -> [LatestSample]? {
        try await store.pool.read { db in
            guard try Self.exists(node, db) else { return nil }
            var samples: [LatestSample] = []
            for series in try Self.series(node: node, metric: nil, db: db) {
                // The newest raw chunk; after retention folded everything, the newest minute row.
                if let row = try Row.fetchOne(
                    db, sql: "SELECT data FROM sample_chunk WHERE series_id = ? ORDER BY end_ms DESC LIMIT 1", arguments: [series.id]),
                    let chunk = try? SampleColumnChunk(decoding: [UInt8](row["data"] as Data)),
                    let time = chunk.timestamps.last, let value = chunk.values.last
                {
                    samples.append(LatestSample(series: series.info, time: APITime(milliseconds: time), value: series.scale(value)))
                } else if let row = try Row.fetchOne(
                    db, sql: "SELECT minute_ms, mean FROM sample_minute WHERE series_id = ? ORDER BY minute_ms DESC LIMIT 1",
                    arguments: [series.id])
                {
                    samples.append(
                        LatestSample(series: series.info, time: APITime(milliseconds: row["minute_ms"]), value: series.scale(row["mean"] as Double)))
                }
            }
            return samples
        }
    }

    public func history(node: String, metric: String, from: APITime, to: APITime, limit: Int) async throws -> [SeriesHistory]? {
        try await store.pool.read { db in
            guard try Self.exists(node, db) else { return nil }
            var result: [SeriesHistory] = []
            for series in try Self.series(node: node, metric: metric, db: db) {
                var points: [SamplePoint] = []
                let minutes = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT minute_ms, count, mean, min, max FROM sample_minute
                        WHERE series_id = ? AND minute_ms >= ? AND minute_ms < ? ORDER BY minute_ms
                        """, arguments: [series.id, from.milliseconds, to.milliseconds])
                for row in minutes {
                    points.append(
                        SamplePoint(
                            time: APITime(milliseconds: row["minute_ms"]), value: series.scale(row["mean"] as Double),
                            min: series.scale(row["min"] as Int64), max: series.scale(row["max"] as Int64), count: row["count"]))
                }
                let chunks = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT data FROM sample_chunk WHERE series_id = ? AND end_ms >= ? AND start_ms < ? ORDER BY start_ms
                        """, arguments: [series.id, from.milliseconds, to.milliseconds])
                for row in chunks {
                    let chunk = try SampleColumnChunk(decoding: [UInt8](row["data"] as Data))
                    for (time, value) in zip(chunk.timestamps, chunk.values) where time >= from.milliseconds && time < to.milliseconds {
                        points.append(SamplePoint(time: APITime(milliseconds: time), value: series.scale(value)))
                    }
                }
                points.sort { $0.time < $1.time }
                result.append(SeriesHistory(series: series.info, points: Array(points.prefix(limit)), truncated: points.count > limit))
            }
            return result
        }
    }

    public func caps() async throws -> [CapDelivery] {
        try await store.pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT p.node_id, p.policy_id, p.sent_ms, p.acked_ms, p.outcome, p.reason FROM policy_delivery p
                    WHERE p.sent_ms = (SELECT max(sent_ms) FROM policy_delivery q WHERE q.node_id = p.node_id)
                    ORDER BY p.node_id
                    """
            ).map { row in
                CapDelivery(
                    node: row["node_id"], policyId: row["policy_id"], sent: APITime(milliseconds: row["sent_ms"]),
                    acked: (row["acked_ms"] as Int64?).map(APITime.init(milliseconds:)), outcome: row["outcome"], reason: row["reason"])
            }
        }
    }

    public func audit(_ filter: AuditFilter) async throws -> [AuditEntry] {
        let code = filter.cause.flatMap { Int($0) }
        return try await store.pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT node_id, time_ms, gpu, old_mw, new_mw, cause_code, cause_text, author, lease_expires_ms, dry_run FROM audit
                    WHERE time_ms >= ? AND time_ms < ? AND (? IS NULL OR node_id = ?)
                        AND (? IS NULL OR cause_text = ? OR cause_code = ?) AND (? IS NULL OR author = ?)
                    ORDER BY time_ms DESC, id DESC LIMIT ?
                    """,
                arguments: [
                    filter.from.milliseconds, filter.to.milliseconds, filter.node, filter.node, filter.cause, filter.cause, code, filter.author,
                    filter.author, filter.limit,
                ]
            ).map { row in
                AuditEntry(
                    node: row["node_id"], time: APITime(milliseconds: row["time_ms"]), gpu: row["gpu"],
                    oldWatts: (row["old_mw"] as Int64?).map { Double($0) / 1000 }, newWatts: Double(row["new_mw"] as Int64) / 1000,
                    causeCode: row["cause_code"], cause: row["cause_text"], author: row["author"],
                    leaseExpires: (row["lease_expires_ms"] as Int64?).map(APITime.init(milliseconds:)), dryRun: row["dry_run"])
            }
        }
    }

    // MARK: - Rows

    private static let nodeSQL = """
        SELECT n.id, n.site, n.row, n.rack, n.agent_version, n.peer, n.first_seen_ms, n.last_seen_ms, n.last_sequence,
            n.gpu_count, n.safe_cap_mw, n.lowest_enforceable_mw, n.highest_enforceable_mw,
            (SELECT count(*) FROM series s WHERE s.node_id = n.id) AS series_count
        FROM node n
        """

    private static func summary(_ row: Row) -> NodeSummary {
        NodeSummary(
            id: row["id"], site: row["site"], row: row["row"], rack: row["rack"], agentVersion: row["agent_version"], peer: row["peer"],
            firstSeen: APITime(milliseconds: row["first_seen_ms"]), lastSeen: APITime(milliseconds: row["last_seen_ms"]),
            lastSequence: row["last_sequence"], seriesCount: row["series_count"], gpuCount: row["gpu_count"],
            safeCapWatts: watts(row["safe_cap_mw"]), lowestEnforceableWatts: watts(row["lowest_enforceable_mw"]),
            highestEnforceableWatts: watts(row["highest_enforceable_mw"]))
    }

    private static func watts(_ milliwatts: Int64?) -> Double? { milliwatts.map { Double($0) / 1000 }
    }

    private static func exists(_ node: String, _ db: Database) throws -> Bool {
        try Int.fetchOne(db, sql: "SELECT 1 FROM node WHERE id = ?", arguments: [node]) != nil
    }

    private struct StoredSeries {
        var id: Int64
        var info: SeriesInfo
        var decimals: Int

        /// The wire integer is the real value × 10^decimals.
        func scale(_ raw: Int64) -> Double { scale(Double(raw)) }
        func scale(_ raw: Double) -> Double { raw / pow(10, Double(decimals)) }
    }

    private static func series(node: String, metric: String?, db: Database) throws -> [StoredSeries] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT id, metric, labels, unit, decimals, kind FROM series
                WHERE node_id = ? AND (? IS NULL OR metric = ?) ORDER BY metric, labels
                """, arguments: [node, metric, metric]
        ).map { row in
            let labels = (row["labels"] as String).split(separator: ",").reduce(into: [String: String]()) { labels, pair in
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard let name = parts.first else { return }
                labels[String(name)] = parts.count > 1 ? String(parts[1]) : ""
            }
            let kind: Int = row["kind"]
            return StoredSeries(
                id: row["id"], info: SeriesInfo(metric: row["metric"], labels: labels, unit: row["unit"], kind: kind == 1 ? "counter" : "gauge"),
                decimals: row["decimals"])
        }
    }
}
