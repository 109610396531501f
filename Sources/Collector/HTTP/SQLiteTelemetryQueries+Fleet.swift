import Foundation
import GRDB
import Wire

/// The fleet's power against its caps over time (`GET /api/v1/fleet/history`), summed in the collector so the
/// dashboard makes one request instead of one per node.
extension SQLiteTelemetryQueries {
    public func fleetHistory(_ query: FleetHistoryQuery) async throws -> FleetHistory {
        let steps = query.stepCount
        let scores = try await store.recordedScores(region: query.region, fromMs: query.from.milliseconds, toMs: query.to.milliseconds)
        let sums = try await store.pool.read { db in try Self.stepSums(query, steps: steps, db: db) }
        let fleet = sums.fleet.points(query, steps: steps, scores: scores)
        let groups = query.grouping.map { _ in
            sums.groups.keys.sorted(by: Self.groupOrder).compactMap { key -> FleetGroupHistory? in
                guard let group = sums.groups[key] else { return nil }
                return FleetGroupHistory(
                    name: key, row: group.rows.count == 1 ? group.rows.first : nil, nodeIds: group.nodes.sorted(),
                    points: group.points(query, steps: steps, scores: nil))
            }
        }
        return FleetHistory(
            from: query.from, to: query.to, stepSeconds: Double(query.stepMilliseconds) / 1000, region: query.region, points: fleet,
            groups: groups)
    }

    /// Names in order, nodes without placement (nil) last.
    private static func groupOrder(_ a: String?, _ b: String?) -> Bool {
        switch (a, b) {
        case (let a?, let b?): a.localizedStandardCompare(b) == .orderedAscending
        case (.some, nil): true
        default: false
        }
    }

    /// Per-step sums for the fleet and for each group.
    struct Accumulator {
        var power: [Double]
        var cap: [Double]
        var powerSeen: [Bool]
        var capSeen: [Bool]
        var nodesPerStep: [Set<String>]
        var nodes: Set<String> = []
        var rows: Set<String> = []

        init(steps: Int) {
            power = Array(repeating: 0, count: steps)
            cap = power
            powerSeen = Array(repeating: false, count: steps)
            capSeen = powerSeen
            nodesPerStep = Array(repeating: [], count: steps)
        }

        mutating func add(means: [Double?], isPower: Bool, node: String, row: String?) {
            nodes.insert(node)
            if let row { rows.insert(row) }
            for (step, mean) in means.enumerated() {
                guard let mean else { continue }
                if isPower {
                    power[step] += mean
                    powerSeen[step] = true
                    nodesPerStep[step].insert(node)
                } else {
                    cap[step] += mean
                    capSeen[step] = true
                }
            }
        }

        func points(_ query: FleetHistoryQuery, steps: Int, scores: [SQLiteStore.RecordedScore]?) -> [FleetPoint] {
            var scoreIndex = 0
            return (0..<steps).map { step in
                let start = query.from.milliseconds + Int64(step) * query.stepMilliseconds
                var score: Double?
                if let scores {
                    // The newest score recorded before the step ended (scores are oldest first).
                    let end = min(start + query.stepMilliseconds, query.to.milliseconds)
                    while scoreIndex < scores.count, scores[scoreIndex].recordedMs < end { scoreIndex += 1 }
                    score = scoreIndex > 0 ? scores[scoreIndex - 1].score : nil
                }
                return FleetPoint(
                    time: APITime(milliseconds: start), powerWatts: powerSeen[step] ? power[step] : nil,
                    capWatts: capSeen[step] ? cap[step] : nil, nodes: nodesPerStep[step].count, greenScore: score)
            }
        }
    }

    struct StepSums {
        var fleet: Accumulator
        var groups: [String?: Accumulator]
    }

    private static func stepSums(_ query: FleetHistoryQuery, steps: Int, db: Database) throws -> StepSums {
        var sums = StepSums(fleet: Accumulator(steps: steps), groups: [:])
        let series = try Row.fetchAll(
            db,
            sql: """
                SELECT s.id, s.node_id, s.metric, s.decimals, n.row, n.rack FROM series s JOIN node n ON n.id = s.node_id
                WHERE s.metric IN (?, ?) ORDER BY s.id
                """, arguments: [FleetHistoryQuery.powerMetric, FleetHistoryQuery.capMetric])
        for row in series {
            let id: Int64 = row["id"]
            let node: String = row["node_id"]
            let nodeRow: String? = row["row"]
            let isPower = (row["metric"] as String) == FleetHistoryQuery.powerMetric
            let means = try stepMeans(series: id, decimals: row["decimals"], query: query, steps: steps, db: db)
            sums.fleet.add(means: means, isPower: isPower, node: node, row: nodeRow)
            if let grouping = query.grouping {
                let key: String? =
                    switch grouping {
                    case .row: nodeRow
                    case .rack: row["rack"]
                    case .node: node
                    }
                sums.groups[key, default: Accumulator(steps: steps)].add(means: means, isPower: isPower, node: node, row: nodeRow)
            }
        }
        return sums
    }

    /// One series' mean in each step (nil where it has no sample), from its 1-minute rows and raw chunks.
    private static func stepMeans(series: Int64, decimals: Int, query: FleetHistoryQuery, steps: Int, db: Database) throws -> [Double?] {
        let from = query.from.milliseconds
        let to = query.to.milliseconds
        var total = [Double](repeating: 0, count: steps)
        var count = [Int](repeating: 0, count: steps)
        func add(_ time: Int64, _ value: Double, weight: Int) {
            guard time >= from, time < to else { return }
            let step = Int((time - from) / query.stepMilliseconds)
            guard step < steps else { return }
            total[step] += value * Double(weight)
            count[step] += weight
        }
        for row in try Row.fetchAll(
            db, sql: "SELECT minute_ms, count, mean FROM sample_minute WHERE series_id = ? AND minute_ms >= ? AND minute_ms < ?",
            arguments: [series, from, to])
        {
            add(row["minute_ms"], row["mean"], weight: max(1, row["count"]))
        }
        for row in try Row.fetchAll(
            db, sql: "SELECT data FROM sample_chunk WHERE series_id = ? AND end_ms >= ? AND start_ms < ?", arguments: [series, from, to])
        {
            let chunk = try SampleColumnChunk(decoding: [UInt8](row["data"] as Data))
            for (time, value) in zip(chunk.timestamps, chunk.values) { add(time, Double(value), weight: 1) }
        }
        // The wire integer is the real value × 10^decimals.
        let scale = pow(10, Double(decimals))
        return (0..<steps).map { count[$0] > 0 ? total[$0] / Double(count[$0]) / scale : nil }
    }
}
