import GRDB
import Wire

/// The node table's placement and power-range columns, filled from each node's `node-info` message. Placement
/// (site/row/rack) existed from the start but stayed empty until agents reported it.
extension SQLiteStore {
    static func addNodeInfoColumns(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE node ADD COLUMN gpu_count INTEGER;
                ALTER TABLE node ADD COLUMN safe_cap_mw INTEGER;
                ALTER TABLE node ADD COLUMN lowest_enforceable_mw INTEGER;
                ALTER TABLE node ADD COLUMN highest_enforceable_mw INTEGER;
                ALTER TABLE node ADD COLUMN info_ms INTEGER;
                """)
    }
}

extension SQLiteTelemetryStore {
    /// A node-info message only arrives after authentication, so the node's row exists (`nodeSeen` came first
    /// on the same writer); an UPDATE that finds none changes nothing rather than inventing a node.
    static func storeNodeInfo(_ info: NodeInfo, node: String, at: Int64, db: Database) throws {
        try db.execute(
            sql: """
                UPDATE node SET site = ?, row = ?, rack = ?, gpu_count = ?, safe_cap_mw = ?, lowest_enforceable_mw = ?,
                    highest_enforceable_mw = ?, info_ms = ?
                WHERE id = ?
                """,
            arguments: [
                info.site, info.row, info.rack, info.gpuCount, info.safeCap?.value, info.lowestEnforceable?.value,
                info.highestEnforceable?.value, at, node,
            ])
    }
}
