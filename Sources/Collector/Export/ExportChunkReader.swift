import Foundation
import GRDB

/// One stored chunk with what the export needs of its series and node.
struct ExportChunk: Sendable {
    var rowID: Int64
    var seriesID: Int64
    var data: [UInt8]
    var count: Int
    /// Nil when the series row is gone (nothing deletes series today; a chunk without one is skipped).
    var series: ExportSeries?
}

/// A `series` row joined with its `node` row's location.
struct ExportSeries: Sendable, Hashable {
    var node: String
    var metric: String
    /// As stored: sorted `name=value,…`.
    var labels: String
    var decimals: Int
    var isCounter: Bool
    var site: String?
    var row: String?
    var rack: String?
}

extension SQLiteStore {
    /// Chunks committed after `rowID`, in commit order, until `maxSamples` samples or `maxChunks` chunks: the
    /// bound on what one export cycle holds in memory. Always at least one chunk when any is there, so a
    /// chunk larger than the budget still goes out (the client splits it into requests).
    func exportChunks(after rowID: Int64, maxSamples: Int, maxChunks: Int) async throws -> [ExportChunk] {
        try await pool.read { db in
            let cursor = try Row.fetchCursor(
                db,
                sql: """
                    SELECT c.rowid AS rowid, c.series_id, c.count, c.data, s.node_id, s.metric, s.labels, s.decimals, s.kind,
                        n.site, n.row, n.rack
                    FROM sample_chunk c
                    LEFT JOIN series s ON s.id = c.series_id
                    LEFT JOIN node n ON n.id = s.node_id
                    WHERE c.rowid > ? ORDER BY c.rowid LIMIT ?
                    """,
                arguments: [rowID, maxChunks])
            var chunks: [ExportChunk] = []
            var samples = 0
            while let row = try cursor.next() {
                let count: Int = row["count"]
                if !chunks.isEmpty && samples + count > maxSamples { break }
                let data: Data = row["data"]
                var series: ExportSeries?
                if let node: String = row["node_id"], let metric: String = row["metric"], let labels: String = row["labels"],
                    let decimals: Int = row["decimals"], let kind: Int = row["kind"]
                {
                    series = ExportSeries(
                        node: node, metric: metric, labels: labels, decimals: decimals, isCounter: kind == 1,
                        site: row["site"], row: row["row"], rack: row["rack"])
                }
                chunks.append(ExportChunk(rowID: row["rowid"], seriesID: row["series_id"], data: [UInt8](data), count: count, series: series))
                samples += count
            }
            return chunks
        }
    }

    /// The newest rowid, to notice the table shrinking below the watermark: without AUTOINCREMENT SQLite may
    /// hand out a deleted top rowid again (retention deleting the newest chunk, a late one already too old),
    /// and a watermark above it would skip the chunk that reuses it.
    func newestChunkRowID() async throws -> Int64 {
        try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT max(rowid) FROM sample_chunk") ?? 0 }
    }
}
