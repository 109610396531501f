/// What the node endpoints read. The SQLite telemetry tables implement it (`SQLiteTelemetryQueries`); the
/// HTTP layer depends only on this, so it can be tested and served without the ingest server running.
/// Every method returns nil for a node the collector has never stored, which the API turns into a 404.
public protocol TelemetryQueries: Sendable {
    func nodes() async throws -> [NodeSummary]
    func node(id: String) async throws -> NodeDetail?
    /// The most recent sample of each of the node's series.
    func latest(node: String) async throws -> [LatestSample]?
    /// Samples of the node's series named `metric` in [from, to), oldest first, at most `limit` per series.
    func history(node: String, metric: String, from: APITime, to: APITime, limit: Int) async throws -> [SeriesHistory]?
    /// The newest policy sent to each node and whether the node acknowledged it.
    func caps() async throws -> [CapDelivery]
    /// Cap changes the agents reported, newest first.
    func audit(_ filter: AuditFilter) async throws -> [AuditEntry]
    /// The fleet's GPU power and limits summed per step, with the green score in force (FleetHistory.swift).
    func fleetHistory(_ query: FleetHistoryQuery) async throws -> FleetHistory
}

public struct NodeSummary: Sendable, Equatable, Encodable {
    public var id: String
    public var site: String?
    public var row: String?
    public var rack: String?
    public var agentVersion: String?
    public var peer: String?
    public var firstSeen: APITime
    public var lastSeen: APITime
    /// Every batch up to this sequence number is stored.
    public var lastSequence: Int64
    public var seriesCount: Int
    /// From the agent's node-info message (absent from agents that predate it).
    public var gpuCount: Int?
    public var safeCapWatts: Double?
    public var lowestEnforceableWatts: Double?
    public var highestEnforceableWatts: Double?

    public init(
        id: String, site: String?, row: String?, rack: String?, agentVersion: String?, peer: String?, firstSeen: APITime,
        lastSeen: APITime, lastSequence: Int64, seriesCount: Int, gpuCount: Int? = nil, safeCapWatts: Double? = nil,
        lowestEnforceableWatts: Double? = nil, highestEnforceableWatts: Double? = nil
    ) {
        self.gpuCount = gpuCount
        self.safeCapWatts = safeCapWatts
        self.lowestEnforceableWatts = lowestEnforceableWatts
        self.highestEnforceableWatts = highestEnforceableWatts
        self.id = id
        self.site = site
        self.row = row
        self.rack = rack
        self.agentVersion = agentVersion
        self.peer = peer
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.lastSequence = lastSequence
        self.seriesCount = seriesCount
    }
}

public struct SeriesInfo: Sendable, Equatable, Encodable {
    public var metric: String
    public var labels: [String: String]
    public var unit: String
    public var kind: String

    public init(metric: String, labels: [String: String], unit: String, kind: String) {
        self.metric = metric
        self.labels = labels
        self.unit = unit
        self.kind = kind
    }
}

public struct NodeDetail: Sendable, Equatable, Encodable {
    public var node: NodeSummary
    public var series: [SeriesInfo]

    public init(node: NodeSummary, series: [SeriesInfo]) {
        self.node = node
        self.series = series
    }
}

public struct LatestSample: Sendable, Equatable, Encodable {
    public var series: SeriesInfo
    public var time: APITime
    /// In the series' unit (the wire's integer scaled back by its decimals).
    public var value: Double

    public init(series: SeriesInfo, time: APITime, value: Double) {
        self.series = series
        self.time = time
        self.value = value
    }
}

public struct SamplePoint: Sendable, Equatable, Encodable {
    public var time: APITime
    public var value: Double
    /// Present for points folded into 1-minute rows by retention: the minute's extremes and sample count.
    public var min: Double?
    public var max: Double?
    public var count: Int?

    public init(time: APITime, value: Double, min: Double? = nil, max: Double? = nil, count: Int? = nil) {
        self.time = time
        self.value = value
        self.min = min
        self.max = max
        self.count = count
    }
}

public struct SeriesHistory: Sendable, Equatable, Encodable {
    public var series: SeriesInfo
    public var points: [SamplePoint]
    /// True when `limit` cut the points short: ask again from the last point's time.
    public var truncated: Bool

    public init(series: SeriesInfo, points: [SamplePoint], truncated: Bool) {
        self.series = series
        self.points = points
        self.truncated = truncated
    }
}

public struct CapDelivery: Sendable, Equatable, Encodable {
    public var node: String
    public var policyId: String
    public var sent: APITime
    public var acked: APITime?
    /// "applied", "rejected", or nil while unacknowledged.
    public var outcome: String?
    public var reason: String?

    public init(node: String, policyId: String, sent: APITime, acked: APITime?, outcome: String?, reason: String?) {
        self.node = node
        self.policyId = policyId
        self.sent = sent
        self.acked = acked
        self.outcome = outcome
        self.reason = reason
    }
}

public struct AuditFilter: Sendable, Equatable {
    public var node: String?
    /// Matches the cause text exactly, or the stable cause code when all digits.
    public var cause: String?
    /// The person (token name) an agent's record names as the cause's author.
    public var author: String?
    public var from: APITime
    public var to: APITime
    public var limit: Int

    public init(node: String?, cause: String?, author: String? = nil, from: APITime, to: APITime, limit: Int) {
        self.node = node
        self.cause = cause
        self.author = author
        self.from = from
        self.to = to
        self.limit = limit
    }
}

public struct AuditEntry: Sendable, Equatable, Encodable {
    public var node: String
    public var time: APITime
    public var gpu: Int?
    public var oldWatts: Double?
    public var newWatts: Double
    public var causeCode: Int
    public var cause: String
    public var author: String?
    public var leaseExpires: APITime?
    public var dryRun: Bool

    public init(
        node: String, time: APITime, gpu: Int?, oldWatts: Double?, newWatts: Double, causeCode: Int, cause: String,
        author: String?, leaseExpires: APITime?, dryRun: Bool
    ) {
        self.node = node
        self.time = time
        self.gpu = gpu
        self.oldWatts = oldWatts
        self.newWatts = newWatts
        self.causeCode = causeCode
        self.cause = cause
        self.author = author
        self.leaseExpires = leaseExpires
        self.dryRun = dryRun
    }
}
