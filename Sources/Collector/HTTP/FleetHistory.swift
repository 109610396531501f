/// What `GET /api/v1/fleet/history` asks for: the whole fleet's GPU power against its GPU power limits, step by
/// step, with the green score the collector was granting, optionally also per row or rack. One request for the
/// dashboard's chart instead of one per node.
public struct FleetHistoryQuery: Sendable, Equatable {
    public enum Grouping: String, Sendable, Equatable, CaseIterable {
        case row, rack, node
    }

    public var from: APITime
    public var to: APITime
    public var stepMilliseconds: Int64
    public var grouping: Grouping?
    /// The region whose green score is reported ([grid] region).
    public var region: String

    public init(from: APITime, to: APITime, stepMilliseconds: Int64, grouping: Grouping?, region: String) {
        self.from = from
        self.to = to
        self.stepMilliseconds = stepMilliseconds
        self.grouping = grouping
        self.region = region
    }

    /// How many steps cover [from, to); the last one may run past `to`.
    public var stepCount: Int {
        let span = to.milliseconds - from.milliseconds
        guard span > 0, stepMilliseconds > 0 else { return 0 }
        return Int((span + stepMilliseconds - 1) / stepMilliseconds)
    }

    /// The metrics summed: the agent's per-GPU power and enforced power limit (Sources/Agent/Telemetry).
    public static let powerMetric = "gpu_power_watts"
    public static let capMetric = "gpu_power_limit_watts"
}

/// One step: each series' mean over the step, summed over the series. A node that sent nothing in a step is
/// not in its sums (`nodes` says how many did), so a drop in power with a drop in `nodes` is missing data,
/// not a fleet that idled.
public struct FleetPoint: Sendable, Equatable, Encodable {
    /// Start of the step.
    public var time: APITime
    /// Sum of the GPUs' mean power; absent when no GPU reported in the step.
    public var powerWatts: Double?
    /// Sum of the GPUs' mean enforced power limit; absent when none reported.
    public var capWatts: Double?
    /// Nodes with a power sample in the step.
    public var nodes: Int
    /// The green score in force at the end of the step: the newest grid hour the collector had recorded by then.
    /// Fleet points only; absent before the first recorded hour.
    public var greenScore: Double?

    public init(time: APITime, powerWatts: Double?, capWatts: Double?, nodes: Int, greenScore: Double? = nil) {
        self.time = time
        self.powerWatts = powerWatts
        self.capWatts = capWatts
        self.nodes = nodes
        self.greenScore = greenScore
    }
}

/// The same steps for the nodes of one row, rack or node.
public struct FleetGroupHistory: Sendable, Equatable, Encodable {
    /// The row or rack name, or the node id; absent for nodes whose agent reported no placement.
    public var name: String?
    /// The row of the group's nodes, when they all name the same one.
    public var row: String?
    public var nodeIds: [String]
    public var points: [FleetPoint]

    public init(name: String?, row: String?, nodeIds: [String], points: [FleetPoint]) {
        self.name = name
        self.row = row
        self.nodeIds = nodeIds
        self.points = points
    }
}

public struct FleetHistory: Sendable, Equatable, Encodable {
    public var from: APITime
    public var to: APITime
    public var stepSeconds: Double
    public var region: String
    public var powerMetric: String
    public var capMetric: String
    public var points: [FleetPoint]
    /// Present when a grouping was asked for, ordered by name (unplaced nodes last).
    public var groups: [FleetGroupHistory]?

    public init(
        from: APITime, to: APITime, stepSeconds: Double, region: String, points: [FleetPoint], groups: [FleetGroupHistory]?
    ) {
        self.from = from
        self.to = to
        self.stepSeconds = stepSeconds
        self.region = region
        self.powerMetric = FleetHistoryQuery.powerMetric
        self.capMetric = FleetHistoryQuery.capMetric
        self.points = points
        self.groups = groups
    }
}
