import Hummingbird

/// `GET /api/v1/status[?site=|row=|rack=|node=]`: per node, power against cap, the lease of its newest
/// policy and when it was last heard from, with the green score in force: what `greencap status` prints.
struct StatusRoutes: Sendable {
    let store: SQLiteStore
    let control: CapControl?
    let ingestEnabled: Bool
    let now: @Sendable () -> Int64

    func status(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        guard ingestEnabled else { throw APIError.telemetryUnavailable }
        let parameters = QueryParameters(request: request)
        var scope: (kind: String, name: String)?
        for (parameter, column) in [("site", "site"), ("row", "row"), ("rack", "rack"), ("node", "id")] {
            guard let name = parameters.string(parameter) else { continue }
            guard scope == nil else { throw APIError.badParameter(parameter, "give at most one of site, row, rack, node") }
            scope = (column, name)
        }
        let rows: [SQLiteStore.NodeStatusRow]
        do { rows = try await store.nodeStatus(scope: scope) } catch { throw APIError.storeFailed(error) }
        if let scope, rows.isEmpty {
            let kind = scope.kind == "id" ? "node" : scope.kind
            throw APIError(.notFound, "no node the collector knows is in \(kind) '\(scope.name)'", hint: "GET /api/v1/nodes lists nodes with their site, row and rack")
        }
        let lease = control?.planner.settings.lease.wholeMilliseconds
        var greenScore: Double?
        var greenScoreUpdated: APITime?
        if let current = control?.planner.score.current {
            greenScore = current.score
            greenScoreUpdated = APITime(milliseconds: current.updatedAt)
        } else if let hour = try? await store.latestGridHourPerRegion().max(by: { $0.startUTC < $1.startUTC }) {
            greenScore = hour.greenScore
            greenScoreUpdated = APITime(seconds: hour.startUTC)
        }
        let nodes = rows.map { row in
            StatusReply.Node(
                node: row.id, site: row.site, row: row.row, rack: row.rack, powerWatts: row.powerWatts, capWatts: row.capWatts,
                sampleTime: row.sampleTime.map { APITime(milliseconds: $0) }, lastSeen: APITime(milliseconds: row.lastSeen), policyId: row.policyID,
                policyOutcome: row.policyOutcome,
                leaseExpires: row.policyOutcome == "applied" ? both(row.policySent, lease).map { APITime(milliseconds: $0.0 + $0.1) } : nil)
        }
        return JSONResponse.make(StatusReply(time: APITime(seconds: now()), greenScore: greenScore, greenScoreUpdated: greenScoreUpdated, nodes: nodes))
    }
}

private func both(_ a: Int64?, _ b: Int64?) -> (Int64, Int64)? {
    guard let a, let b else { return nil }
    return (a, b)
}
