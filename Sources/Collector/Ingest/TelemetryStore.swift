import Wire

/// What the ingest server needs from storage. SQLite (`SQLiteTelemetryStore`) is the default; another
/// backend implements the same two calls.
public protocol TelemetryStore: Sendable {
    /// Applies items in order inside one transaction and returns, per item, its outcome. Nothing is
    /// acknowledged before this returns: the caller sends acks only for committed work.
    func commit(_ items: [IngestItem]) async throws -> [IngestOutcome]
    /// The highest sequence below which every batch of the node is stored (0: none).
    func lastSequence(node: String) async throws -> UInt64
}

/// One unit of work for the writer, in arrival order.
public enum IngestItem: Sendable {
    /// A connection's dictionary: resolves wire ids to stable series ids for that connection.
    case dictionary(connection: UInt64, node: String, entries: [SeriesDefinition])
    case samples(connection: UInt64, node: String, sequence: UInt64, chunks: [PreparedChunk], sampleCount: Int)
    case events(node: String, sequence: UInt64, events: [WireEvent])
    case nodeSeen(node: String, agentVersion: String, peer: String, at: Int64)
    /// The node's placement and power range (docs/protocol.md, node-info); the newest replaces the last.
    case nodeInfo(node: String, info: NodeInfo, at: Int64)
    case policySent(node: String, policyID: String, at: Int64)
    case policyAck(node: String, policyID: String, applied: Bool, reason: String?, at: Int64)
    /// The connection closed: its wire-id map can go.
    case forget(connection: UInt64)

    var isBatch: Bool {
        switch self {
        case .samples, .events: true
        default: false
        }
    }
}

/// One series' part of a sample batch, already re-encoded as a `SampleColumnChunk` (on the event loop, so the
/// writer only runs SQLite).
public struct PreparedChunk: Sendable {
    public var wireSeriesID: UInt32
    public var startMs: Int64
    public var endMs: Int64
    public var count: Int
    public var blob: [UInt8]

    public init(wireSeriesID: UInt32, startMs: Int64, endMs: Int64, count: Int, blob: [UInt8]) {
        self.wireSeriesID = wireSeriesID
        self.startMs = startMs
        self.endMs = endMs
        self.count = count
        self.blob = blob
    }

    /// Re-encodes every column of a batch; the timestamps are encoded once and shared by full columns.
    public static func chunks(of batch: SampleBatch) -> [PreparedChunk] {
        guard let first = batch.timestamps.first, let last = batch.timestamps.last else { return [] }
        let shared = SampleColumnChunk.encodeTimestamps(batch.timestamps)
        var chunks: [PreparedChunk] = []
        chunks.reserveCapacity(batch.columns.count)
        for column in batch.columns {
            var full: [Int64] = []
            full.reserveCapacity(column.values.count)
            for value in column.values {
                guard let value else { break }
                full.append(value)
            }
            if full.count == batch.timestamps.count {
                chunks.append(
                    PreparedChunk(
                        wireSeriesID: column.seriesID, startMs: first, endMs: last, count: full.count,
                        blob: SampleColumnChunk.encode(values: full, timestamps: shared)))
                continue
            }
            var times: [Int64] = []
            var values: [Int64] = []
            for (index, value) in column.values.enumerated() {
                if let value, index < batch.timestamps.count {
                    times.append(batch.timestamps[index])
                    values.append(value)
                }
            }
            guard let start = times.first, let end = times.last else { continue }
            chunks.append(
                PreparedChunk(
                    wireSeriesID: column.seriesID, startMs: start, endMs: end, count: values.count,
                    blob: SampleColumnChunk(timestamps: times, values: values).encoded()))
        }
        return chunks
    }
}

/// What happened to one item: for batches, whether it was new and the node's highest stored sequence after the
/// commit (what the ack carries).
public enum IngestOutcome: Sendable, Equatable {
    case done
    case stored(ack: UInt64)
    case duplicate(ack: UInt64)
    case refused(String)
}
