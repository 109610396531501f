import Foundation
import GRDB
import Wire

/// What `greencap status` shows per node, read in one pass: placement, last contact, GPU power and enforced
/// limits summed from each series' newest stored sample, and the newest policy delivery.
extension SQLiteStore {
    public struct NodeStatusRow: Sendable, Equatable {
        public var id: String
        public var site: String?
        public var row: String?
        public var rack: String?
        public var lastSeen: Int64
        /// Sum over GPUs of the newest `gpu_power_watts`; nil when none is stored.
        public var powerWatts: Double?
        /// Sum over GPUs of the newest `gpu_power_limit_watts` (what NVML enforces).
        public var capWatts: Double?
        /// Newest of the samples summed.
        public var sampleTime: Int64?
        public var policyID: String?
        public var policySent: Int64?
        public var policyOutcome: String?
    }

    /// Nodes matching `scope` (site/row/rack/node by name; nil: all).
    public func nodeStatus(scope: (kind: String, name: String)?) async throws(StoreError) -> [NodeStatusRow] {
        var sql = "SELECT id, site, row, rack, last_seen_ms FROM node"
        var arguments: StatementArguments = []
        if let scope, ["site", "row", "rack", "id"].contains(scope.kind) {
            sql += " WHERE \(scope.kind) = ?"
            arguments = [scope.name]
        }
        let query = sql + " ORDER BY site, row, rack, id"
        let values = arguments
        do {
            return try await pool.read { db in
                try Row.fetchAll(db, sql: query, arguments: values).map { row in
                    let id: String = row["id"]
                    var status = NodeStatusRow(id: id, site: row["site"], row: row["row"], rack: row["rack"], lastSeen: row["last_seen_ms"])
                    for series in try Row.fetchAll(
                        db, sql: "SELECT id, metric, decimals FROM series WHERE node_id = ? AND metric IN ('gpu_power_watts', 'gpu_power_limit_watts')",
                        arguments: [id])
                    {
                        guard
                            let chunkRow = try Row.fetchOne(
                                db, sql: "SELECT data FROM sample_chunk WHERE series_id = ? ORDER BY end_ms DESC LIMIT 1",
                                arguments: [series["id"] as Int64]),
                            let chunk = try? SampleColumnChunk(decoding: [UInt8](chunkRow["data"] as Data)),
                            let time = chunk.timestamps.last, let raw = chunk.values.last
                        else { continue }
                        let value = Double(raw) / pow(10, Double(series["decimals"] as Int))
                        if (series["metric"] as String) == "gpu_power_watts" {
                            status.powerWatts = (status.powerWatts ?? 0) + value
                        } else {
                            status.capWatts = (status.capWatts ?? 0) + value
                        }
                        status.sampleTime = max(status.sampleTime ?? time, time)
                    }
                    if let delivery = try Row.fetchOne(
                        db, sql: "SELECT policy_id, sent_ms, outcome FROM policy_delivery WHERE node_id = ? ORDER BY sent_ms DESC LIMIT 1",
                        arguments: [id])
                    {
                        status.policyID = delivery["policy_id"]
                        status.policySent = delivery["sent_ms"]
                        status.policyOutcome = delivery["outcome"]
                    }
                    return status
                }
            }
        } catch {
            throw .readFailed(path: path, reason: "\(error)")
        }
    }
}
