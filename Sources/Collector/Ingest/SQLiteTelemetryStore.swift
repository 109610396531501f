import Foundation
import GRDB
import Synchronization
import Wire

/// The default `TelemetryStore`: SQLite through GRDB's single writer. `commit` is called by one writer task
/// at a time; its caches live behind a lock only so the type is `Sendable`.
public final class SQLiteTelemetryStore: TelemetryStore {
    public let store: SQLiteStore
    private let state = Mutex(State())

    private struct State {
        /// (node, metric, labels text) → series row id.
        var seriesIDs: [String: Int64] = [:]
        /// Per connection: wire series id → series row id.
        var connections: [UInt64: [UInt32: Int64]] = [:]
        /// Per node: the highest sequence committed (loaded on first use).
        var lastSequence: [String: UInt64] = [:]
    }

    public init(store: SQLiteStore) { self.store = store }

    public func lastSequence(node: String) async throws -> UInt64 {
        try await store.pool.read { db in
            UInt64(try Int64.fetchOne(db, sql: "SELECT last_sequence FROM node WHERE id = ?", arguments: [node]) ?? 0)
        }
    }

    public func commit(_ items: [IngestItem]) async throws -> [IngestOutcome] {
        do {
            return try await store.pool.write { db in
                try self.state.withLock { state in try Self.apply(items, db: db, state: &state) }
            }
        } catch {
            // The transaction rolled back: the cached sequences may be ahead of the file.
            state.withLock { $0.lastSequence = [:] }
            throw error
        }
    }

    private static func apply(_ items: [IngestItem], db: Database, state: inout State) throws -> [IngestOutcome] {
        var outcomes: [IngestOutcome] = []
        outcomes.reserveCapacity(items.count)
        var touched: Set<String> = []
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        for item in items {
            switch item {
            case .dictionary(let connection, let node, let entries):
                var map = state.connections[connection] ?? [:]
                for entry in entries {
                    map[entry.id] = try seriesID(entry, node: node, db: db, state: &state)
                }
                state.connections[connection] = map
                outcomes.append(.done)

            case .samples(let connection, let node, let sequence, let chunks, let sampleCount):
                let last = try lastSequence(node, db: db, state: &state)
                guard try claim(node: node, sequence: sequence, kind: "samples", items: sampleCount, last: last, now: now, db: db)
                else {
                    outcomes.append(.duplicate(ack: last))
                    continue
                }
                let map = state.connections[connection] ?? [:]
                let insert = try db.cachedStatement(
                    sql: "INSERT INTO sample_chunk (series_id, start_ms, end_ms, count, data) VALUES (?, ?, ?, ?, ?)")
                for chunk in chunks {
                    // The decoder refused ids missing from the connection's dictionary, and dictionaries are
                    // applied before the batches that follow them, so a miss here is a bug, not peer input.
                    guard let series = map[chunk.wireSeriesID] else {
                        throw TelemetryStoreError.seriesNotResolved(node: node, wireID: chunk.wireSeriesID)
                    }
                    try insert.execute(arguments: [series, chunk.startMs, chunk.endMs, chunk.count, Data(chunk.blob)])
                }
                let ack = try advance(node: node, stored: sequence, last: last, db: db, state: &state)
                touched.insert(node)
                outcomes.append(.stored(ack: ack))

            case .events(let node, let sequence, let events):
                let last = try lastSequence(node, db: db, state: &state)
                guard try claim(node: node, sequence: sequence, kind: "events", items: events.count, last: last, now: now, db: db)
                else {
                    outcomes.append(.duplicate(ack: last))
                    continue
                }
                for event in events { try store(event, node: node, sequence: sequence, db: db) }
                let ack = try advance(node: node, stored: sequence, last: last, db: db, state: &state)
                touched.insert(node)
                outcomes.append(.stored(ack: ack))

            case .nodeSeen(let node, let agentVersion, let peer, let at):
                try db.execute(
                    sql: """
                        INSERT INTO node (id, agent_version, peer, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (id) DO UPDATE SET agent_version = excluded.agent_version, peer = excluded.peer,
                            last_seen_ms = excluded.last_seen_ms
                        """, arguments: [node, agentVersion, peer, at, at])
                outcomes.append(.done)

            case .nodeInfo(let node, let info, let at):
                try storeNodeInfo(info, node: node, at: at, db: db)
                outcomes.append(.done)

            case .policySent(let node, let policyID, let at):
                try db.execute(
                    sql: """
                        INSERT INTO policy_delivery (node_id, policy_id, sent_ms) VALUES (?, ?, ?)
                        ON CONFLICT (node_id, policy_id) DO UPDATE SET sent_ms = excluded.sent_ms
                        """, arguments: [node, policyID, at])
                outcomes.append(.done)

            case .policyAck(let node, let policyID, let applied, let reason, let at):
                try db.execute(
                    sql: """
                        INSERT INTO policy_delivery (node_id, policy_id, sent_ms, acked_ms, outcome, reason)
                        VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (node_id, policy_id) DO UPDATE SET acked_ms = excluded.acked_ms,
                            outcome = excluded.outcome, reason = excluded.reason
                        """, arguments: [node, policyID, at, at, applied ? "applied" : "rejected", reason])
                outcomes.append(.done)

            case .forget(let connection):
                state.connections[connection] = nil
                outcomes.append(.done)
            }
        }
        for node in touched {
            try db.execute(
                sql: "UPDATE node SET last_sequence = ?, last_seen_ms = ? WHERE id = ?",
                arguments: [Int64(clamping: state.lastSequence[node] ?? 0), now, node])
        }
        return outcomes
    }

    /// True when (node, sequence) was not stored before: at or below the node's mark it was (or was never
    /// sent, see `advance`); above it, the dedup table says (a batch resent while its first copy was still
    /// queued from the connection before).
    private static func claim(
        node: String, sequence: UInt64, kind: String, items: Int, last: UInt64, now: Int64, db: Database
    ) throws -> Bool {
        guard sequence > last, let signed = Int64(exactly: sequence) else { return false }
        let statement = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO ingested_batch (node_id, sequence, kind, items, stored_ms) VALUES (?, ?, ?, ?, ?)")
        try statement.execute(arguments: [node, signed, kind, items, now])
        return db.changesCount > 0
    }

    /// Moves the node's mark to `stored` when it is higher. The mark is the highest sequence stored, not the
    /// highest contiguous one: the agent's spool thins and drops records when full, so its sequences have gaps
    /// that would stall a contiguous mark for good. This is still exact because one node has one connection at
    /// a time and a connection's batches commit in the order sent (one writer, in-order queue, atomic
    /// transactions): what is stored is always a prefix of what each connection sent, so every sequence below
    /// the mark was stored or never sent (docs/collector.md, "Exactly once").
    private static func advance(node: String, stored: UInt64, last: UInt64, db: Database, state: inout State) throws -> UInt64 {
        let mark = max(last, stored)
        state.lastSequence[node] = mark
        return mark
    }

    private static func lastSequence(_ node: String, db: Database, state: inout State) throws -> UInt64 {
        if let known = state.lastSequence[node] { return known }
        let stored = UInt64(try Int64.fetchOne(db, sql: "SELECT last_sequence FROM node WHERE id = ?", arguments: [node]) ?? 0)
        if stored == 0 {
            // A node that never authenticated through `nodeSeen` (a test writing directly) still gets a row.
            try db.execute(
                sql: "INSERT OR IGNORE INTO node (id, first_seen_ms, last_seen_ms) VALUES (?, 0, 0)", arguments: [node])
        }
        state.lastSequence[node] = stored
        return stored
    }

    private static func seriesID(_ entry: SeriesDefinition, node: String, db: Database, state: inout State) throws -> Int64 {
        let labels = entry.labels.sorted { $0.name < $1.name }.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
        let key = node + "\u{0}" + entry.metric + "\u{0}" + labels
        if let known = state.seriesIDs[key] { return known }
        // Unit and decimals follow the latest dictionary: an agent upgrade that changes a resolution keeps the
        // series id (docs/collector.md notes the consequence for older chunks).
        let id = try Int64.fetchOne(
            db,
            sql: """
                INSERT INTO series (node_id, metric, labels, unit, decimals, kind) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (node_id, metric, labels) DO UPDATE SET unit = excluded.unit, decimals = excluded.decimals,
                    kind = excluded.kind
                RETURNING id
                """,
            arguments: [node, entry.metric, labels, entry.unit, Int(entry.decimals), Int(entry.kind.rawValue)])
        guard let id else { throw TelemetryStoreError.seriesNotResolved(node: node, wireID: entry.id) }
        state.seriesIDs[key] = id
        return id
    }

    private static func store(_ event: WireEvent, node: String, sequence: UInt64, db: Database) throws {
        let sequence = Int64(clamping: sequence)
        switch event {
        case .audit(let record):
            try db.execute(
                sql: """
                    INSERT INTO audit (node_id, sequence, time_ms, record_node, gpu, old_mw, new_mw, cause_code, cause_text,
                        author, lease_expires_ms, dry_run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    node, sequence, record.time, record.node, record.gpu, record.old.map { $0.value }, record.new.value,
                    Int(record.causeCode), record.causeText, record.author, record.leaseExpiresAt, record.dryRun,
                ])
        case .spoolLoss(let time, let thinned, let dropped):
            try db.execute(
                sql: """
                    INSERT INTO event (node_id, sequence, kind, time_ms, samples_thinned, events_dropped)
                    VALUES (?, ?, 'spool-loss', ?, ?, ?)
                    """, arguments: [node, sequence, time, Int64(clamping: thinned), Int64(clamping: dropped)])
        case .note(let time, let code, let text):
            try db.execute(
                sql: "INSERT INTO event (node_id, sequence, kind, time_ms, code, text) VALUES (?, ?, 'note', ?, ?, ?)",
                arguments: [node, sequence, time, Int(code), text])
        }
    }
}

public enum TelemetryStoreError: Error, CustomStringConvertible {
    case seriesNotResolved(node: String, wireID: UInt32)

    public var description: String {
        switch self {
        case .seriesNotResolved(let node, let wireID):
            "series \(wireID) of node \(node) has no stored definition (a collector bug: dictionaries are stored before batches)"
        }
    }
}
