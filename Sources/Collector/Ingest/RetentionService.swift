import Foundation
import GRDB
import GreencapCore
import Logging
import ServiceLifecycle
import Wire

/// Keeps raw chunks for `raw_retention`, then folds them into 1-minute rows (count, mean, min, max, in the
/// series' fixed-point unit) in `sample_minute` and deletes them. Runs every `retention_check`, in slices of
/// a few thousand chunks per transaction so the ingest writer is never held up for long.
public struct RetentionService: Service {
    let store: SQLiteStore
    let rawRetention: Duration
    let every: Duration
    let logger: Logger
    let now: @Sendable () -> Int64

    public init(
        store: SQLiteStore, rawRetention: Duration, every: Duration, logger: Logger,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
    ) {
        self.store = store
        self.rawRetention = rawRetention
        self.every = every
        self.logger = logger
        self.now = now
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully {
            // The wait ends at once on SIGTERM, so shutdown is never held up by a long retention_check.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: every) }
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
            do {
                let folded = try await Self.downsample(store: store, olderThan: now() - rawRetention.wholeMillisecondsClamped)
                if folded > 0 { logger.info("retention: raw chunks folded into 1-minute rows", metadata: ["chunks": "\(folded)"]) }
                let pruned = try await Self.pruneDeliveries(store: store, olderThan: now() - Self.deliveryHistory.wholeMillisecondsClamped)
                if pruned > 0 { logger.debug("retention: old policy deliveries pruned", metadata: ["rows": "\(pruned)"]) }
            } catch {
                logger.error("retention pass failed (will retry next time): \(error)")
            }
        }
    }

    /// Folds every chunk that ended before `cutoff` (ms); returns how many.
    public static func downsample(store: SQLiteStore, olderThan cutoff: Int64, slice: Int = 2000) async throws -> Int {
        var total = 0
        while true {
            let folded = try await store.pool.write { db in try foldSlice(db, cutoff: cutoff, slice: slice) }
            total += folded
            if folded < slice { return total }
        }
    }

    /// How long every grant's delivery row is kept. Each renewal is a new grant (every `[ingest] policy_every`,
    /// 2 880 a day per node at 30 s), so the table would grow without bound; an hour answers "did the node take
    /// the last few grants", and the newest row per node is kept whatever its age. Cap changes themselves are
    /// in the agents' audit records, kept with the telemetry.
    public static let deliveryHistory: Duration = .seconds(3600)

    /// Deletes delivery rows sent before `cutoff` (ms), except each node's newest; returns how many.
    public static func pruneDeliveries(store: SQLiteStore, olderThan cutoff: Int64) async throws -> Int {
        try await store.pool.write { db in
            try db.execute(
                sql: """
                    DELETE FROM policy_delivery WHERE sent_ms < ? AND sent_ms < (
                        SELECT max(sent_ms) FROM policy_delivery newest WHERE newest.node_id = policy_delivery.node_id)
                    """, arguments: [cutoff])
            return db.changesCount
        }
    }

    private struct Minute {
        var count = 0
        var sum = 0.0
        var min = Int64.max
        var max = Int64.min
    }

    private static func foldSlice(_ db: Database, cutoff: Int64, slice: Int) throws -> Int {
        let rows = try Row.fetchAll(
            db, sql: "SELECT rowid, series_id, data FROM sample_chunk WHERE end_ms < ? LIMIT ?", arguments: [cutoff, slice])
        var minutes: [Int64: [Int64: Minute]] = [:]
        var rowids: [Int64] = []
        for row in rows {
            let rowid: Int64 = row["rowid"]
            let series: Int64 = row["series_id"]
            let data: Data = row["data"]
            rowids.append(rowid)
            // A chunk that does not decode is dropped with the rest: keeping it forever would not make it readable.
            guard let chunk = try? SampleColumnChunk(decoding: [UInt8](data)) else { continue }
            for (time, value) in zip(chunk.timestamps, chunk.values) {
                let minute = time.floorDivided(by: 60_000) * 60_000
                var entry = minutes[series, default: [:]][minute, default: Minute()]
                entry.count += 1
                entry.sum += Double(value)
                entry.min = Swift.min(entry.min, value)
                entry.max = Swift.max(entry.max, value)
                minutes[series, default: [:]][minute] = entry
            }
        }
        let upsert = try db.cachedStatement(
            sql: """
                INSERT INTO sample_minute (series_id, minute_ms, count, mean, min, max) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (series_id, minute_ms) DO UPDATE SET
                    mean = (mean * count + excluded.mean * excluded.count) / (count + excluded.count),
                    count = count + excluded.count,
                    min = min(min, excluded.min),
                    max = max(max, excluded.max)
                """)
        for (series, byMinute) in minutes {
            for (minute, entry) in byMinute {
                try upsert.execute(arguments: [series, minute, entry.count, entry.sum / Double(entry.count), entry.min, entry.max])
            }
        }
        let delete = try db.cachedStatement(sql: "DELETE FROM sample_chunk WHERE rowid = ?")
        for rowid in rowids { try delete.execute(arguments: [rowid]) }
        // Dedup rows at or below a node's mark are no longer needed: that mark alone refuses them.
        try db.execute(
            sql: """
                DELETE FROM ingested_batch WHERE stored_ms < ? AND sequence <= (
                    SELECT last_sequence FROM node WHERE node.id = ingested_batch.node_id)
                """, arguments: [cutoff])
        return rows.count
    }
}

extension Duration {
    var wholeMillisecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1000).partialValue + attoseconds / 1_000_000_000_000_000
    }
}
