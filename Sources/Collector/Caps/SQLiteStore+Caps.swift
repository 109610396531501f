import Controller
import GRDB
import GreencapCore

/// Caps set through the API and the log of every change to them. A cap row stays after it ends (ended_ms
/// set), so ids are never reused and the log can always name what a change was about.
extension SQLiteStore {
    static func createCapTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE api_cap (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    scope TEXT NOT NULL,
                    name TEXT NOT NULL,
                    total_mw INTEGER NOT NULL,
                    node_share_mw INTEGER,
                    nodes TEXT NOT NULL,
                    weights TEXT NOT NULL,
                    author TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    created_ms INTEGER NOT NULL,
                    expires_ms INTEGER NOT NULL,
                    ended_ms INTEGER
                );
                CREATE INDEX api_cap_in_force ON api_cap (ended_ms, expires_ms);
                CREATE TABLE cap_change (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    cap_id TEXT NOT NULL,
                    action TEXT NOT NULL,
                    scope TEXT NOT NULL,
                    name TEXT NOT NULL,
                    total_mw INTEGER NOT NULL,
                    nodes TEXT NOT NULL,
                    author TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    time_ms INTEGER NOT NULL,
                    expires_ms INTEGER
                );
                CREATE INDEX cap_change_by_time ON cap_change (time_ms);
                """)
    }

    /// A node as the cap checks see it. The enforceable range comes from the agent's node-info message on
    /// collectors that store it; older stores have no such columns and leave it nil (the config's bounds apply).
    public struct KnownNode: Sendable, Equatable {
        public var id: String
        public var site: String?
        public var row: String?
        public var rack: String?
        public var lowestEnforceable: Milliwatts?
        public var highestEnforceable: Milliwatts?

        public var identity: NodeIdentity { NodeIdentity(id: id, site: site, row: row, rack: rack) }
    }

    public func knownNodes() async throws(StoreError) -> [KnownNode] {
        do {
            return try await pool.read(Self.knownNodes)
        } catch {
            throw .readFailed(path: path, reason: "\(error)")
        }
    }

    /// Every node the collector knows, where its agent says it is: what scope-total caps are divided by.
    public func fleetLayout() async throws(StoreError) -> FleetLayout {
        FleetLayout(nodes: try await knownNodes().map(\.identity))
    }

    /// The same, blocking: for start-up, before any node connects.
    public func fleetLayoutNow() throws(StoreError) -> FleetLayout {
        do {
            return FleetLayout(nodes: try pool.read(Self.knownNodes).map(\.identity))
        } catch {
            throw .readFailed(path: path, reason: "\(error)")
        }
    }

    private static func knownNodes(_ db: Database) throws -> [KnownNode] {
        // SELECT *: the enforceable columns exist only once node-info is stored; a missing column reads nil.
        try Row.fetchAll(db, sql: "SELECT * FROM node ORDER BY id").map { row in
            KnownNode(
                id: row["id"], site: row["site"], row: row["row"], rack: row["rack"],
                lowestEnforceable: (row["lowest_enforceable_mw"] as Int64?).map(Milliwatts.init),
                highestEnforceable: (row["highest_enforceable_mw"] as Int64?).map(Milliwatts.init))
        }
    }

    /// Stores a new cap and its "set" log entry in one transaction; returns it with its id.
    public func insertCap(_ draft: APICap) async throws(StoreError) -> APICap {
        do {
            return try await pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO api_cap (scope, name, total_mw, node_share_mw, nodes, weights, author, reason, created_ms, expires_ms)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        draft.scope.rawValue, draft.name, draft.total.value, draft.nodeShare?.value, Self.nodeList(draft.nodes.map(\.node)),
                        draft.nodes.map { String($0.weight) }.joined(separator: ","), draft.author, draft.reason, draft.createdAt,
                        draft.expiresAt,
                    ])
                var cap = draft
                cap.id = APICap.idPrefix + String(db.lastInsertedRowID)
                try Self.logChange(db, cap, action: "set", author: cap.author, reason: cap.reason, at: cap.createdAt)
                return cap
            }
        } catch {
            throw .writeFailed(path: path, reason: "\(error)")
        }
    }

    /// Ends a cap in force, logging who and why; nil when `id` names no cap in force.
    public func clearCap(id: String, author: String, reason: String, now: Int64) async throws(StoreError) -> APICap? {
        guard let seq = Self.sequence(of: id) else { return nil }
        do {
            return try await pool.write { db in
                guard
                    let row = try Row.fetchOne(
                        db, sql: "SELECT * FROM api_cap WHERE seq = ? AND ended_ms IS NULL AND expires_ms > ?", arguments: [seq, now])
                else { return nil }
                let cap = Self.cap(row)
                try db.execute(sql: "UPDATE api_cap SET ended_ms = ? WHERE seq = ?", arguments: [now, seq])
                try Self.logChange(db, cap, action: "clear", author: author, reason: reason, at: now)
                return cap
            }
        } catch {
            throw .writeFailed(path: path, reason: "\(error)")
        }
    }

    /// Ends every cap whose lease has run out, logging each as "expire"; returns them.
    public func expireCaps(now: Int64) async throws(StoreError) -> [APICap] {
        do {
            return try await pool.write { db in
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM api_cap WHERE ended_ms IS NULL AND expires_ms <= ?", arguments: [now])
                var ended: [APICap] = []
                for row in rows {
                    let cap = Self.cap(row)
                    try db.execute(sql: "UPDATE api_cap SET ended_ms = expires_ms WHERE seq = ?", arguments: [row["seq"] as Int64])
                    try Self.logChange(db, cap, action: "expire", author: "collector", reason: "lease ended", at: cap.expiresAt)
                    ended.append(cap)
                }
                return ended
            }
        } catch {
            throw .writeFailed(path: path, reason: "\(error)")
        }
    }

    /// Caps in force at `now`, oldest first.
    public func capsInForce(now: Int64) async throws(StoreError) -> [APICap] {
        do {
            return try await pool.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT * FROM api_cap WHERE ended_ms IS NULL AND expires_ms > ? ORDER BY seq", arguments: [now]
                ).map(Self.cap)
            }
        } catch {
            throw .readFailed(path: path, reason: "\(error)")
        }
    }

    /// The same, blocking: for start-up, so the first policy any node gets already carries the caps in force.
    public func capsInForceNow(now: Int64) throws(StoreError) -> [APICap] {
        do {
            return try pool.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT * FROM api_cap WHERE ended_ms IS NULL AND expires_ms > ? ORDER BY seq", arguments: [now]
                ).map(Self.cap)
            }
        } catch {
            throw .readFailed(path: path, reason: "\(error)")
        }
    }

    public struct CapChangeFilter: Sendable {
        public var node: String?
        public var author: String?
        /// "set", "clear" or "expire"; any other value matches nothing.
        public var action: String?
        /// Unix milliseconds, [from, to).
        public var from: Int64
        public var to: Int64
        public var limit: Int
    }

    /// Logged changes in the filter, newest first.
    public func capChanges(_ filter: CapChangeFilter) async throws(StoreError) -> [CapChange] {
        var sql = "SELECT * FROM cap_change WHERE time_ms >= ? AND time_ms < ?"
        var arguments: [(any DatabaseValueConvertible)?] = [filter.from, filter.to]
        if let node = filter.node {
            // nodes is ",a,b,": a node matches as a whole item, never as a prefix of another id.
            sql += " AND instr(nodes, ?) > 0"
            arguments.append("," + node + ",")
        }
        if let author = filter.author {
            sql += " AND author = ?"
            arguments.append(author)
        }
        if let action = filter.action {
            sql += " AND action = ?"
            arguments.append(action)
        }
        sql += " ORDER BY time_ms DESC, id DESC LIMIT ?"
        arguments.append(filter.limit)
        let query = sql
        let values = StatementArguments(arguments)
        do {
            return try await pool.read { db in
                try Row.fetchAll(db, sql: query, arguments: values).map { row in
                    CapChange(
                        id: row["id"], capId: row["cap_id"], action: row["action"], scope: row["scope"], name: row["name"],
                        watts: Double(row["total_mw"] as Int64) / 1000, nodes: Self.nodes(row["nodes"]), author: row["author"],
                        reason: row["reason"], time: APITime(milliseconds: row["time_ms"]),
                        expires: (row["expires_ms"] as Int64?).map { APITime(milliseconds: $0) })
                }
            }
        } catch {
            throw .readFailed(path: path, reason: "\(error)")
        }
    }

    private static func logChange(_ db: Database, _ cap: APICap, action: String, author: String, reason: String, at time: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO cap_change (cap_id, action, scope, name, total_mw, nodes, author, reason, time_ms, expires_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                cap.id, action, cap.scope.rawValue, cap.name, cap.total.value, nodeList(cap.nodes.map(\.node)), author, reason, time,
                cap.expiresAt,
            ])
    }

    private static func sequence(of id: String) -> Int64? {
        guard id.hasPrefix(APICap.idPrefix) else { return nil }
        return Int64(id.dropFirst(APICap.idPrefix.count))
    }

    private static func nodeList(_ nodes: [String]) -> String { "," + nodes.joined(separator: ",") + "," }

    private static func nodes(_ text: String) -> [String] { text.split(separator: ",").map(String.init) }

    private static func cap(_ row: Row) -> APICap {
        let nodes = Self.nodes(row["nodes"])
        let weights = (row["weights"] as String).split(separator: ",").map { Int($0) ?? 1 }
        return APICap(
            id: APICap.idPrefix + String(row["seq"] as Int64), scope: APICap.Scope(rawValue: row["scope"] as String) ?? .node, name: row["name"],
            total: Milliwatts(row["total_mw"] as Int64), nodeShare: (row["node_share_mw"] as Int64?).map(Milliwatts.init),
            nodes: nodes.enumerated().map { CircuitShare(node: $1, weight: $0 < weights.count ? weights[$0] : 1) },
            author: row["author"], reason: row["reason"], createdAt: row["created_ms"], expiresAt: row["expires_ms"])
    }
}
