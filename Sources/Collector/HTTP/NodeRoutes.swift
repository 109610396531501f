import Hummingbird

/// `/api/v1/nodes...`: what the agents reported over the binary protocol (caps and audit: `CapRoutes`).
/// Without telemetry (no ingest on this collector) each answers 503, never made-up data.
struct NodeRoutes: Sendable {
    let telemetry: (any TelemetryQueries)?
    let now: @Sendable () -> Int64

    static let maxPoints = 100_000

    func list(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let nodes = try await query { try await $0.nodes() }
        struct Body: Encodable { var nodes: [NodeSummary] }
        return JSONResponse.make(Body(nodes: nodes))
    }

    func detail(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let id = try nodeID(context)
        guard let detail = try await query({ try await $0.node(id: id) }) else { throw APIError.unknownNode(id) }
        return JSONResponse.make(detail)
    }

    func latest(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let id = try nodeID(context)
        guard let samples = try await query({ try await $0.latest(node: id) }) else { throw APIError.unknownNode(id) }
        struct Body: Encodable {
            var node: String
            var samples: [LatestSample]
        }
        return JSONResponse.make(Body(node: id, samples: samples))
    }

    func history(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let id = try nodeID(context)
        let parameters = QueryParameters(request: request)
        guard let metric = parameters.string("metric") else {
            throw APIError.badParameter("metric", "required: the metric name, e.g. metric=gpu_power (GET /api/v1/nodes/\(id) lists them)")
        }
        let (from, to) = try parameters.range(defaultSpanSeconds: 3600, now: now())
        let limit = try parameters.integer("limit", in: 1...Self.maxPoints) ?? 10_000
        let fromTime = APITime(seconds: from)
        let toTime = APITime(seconds: to)
        guard
            let series = try await query({
                try await $0.history(node: id, metric: metric, from: fromTime, to: toTime, limit: limit)
            })
        else { throw APIError.unknownNode(id) }
        guard !series.isEmpty else {
            throw APIError(.notFound, "node '\(id)' has no series named '\(metric)'", hint: "GET /api/v1/nodes/\(id) lists the node's series")
        }
        struct Body: Encodable {
            var node: String
            var metric: String
            var from: APITime
            var to: APITime
            var series: [SeriesHistory]
        }
        return JSONResponse.make(Body(node: id, metric: metric, from: fromTime, to: toTime, series: series))
    }

    private func nodeID(_ context: some RequestContext) throws(APIError) -> String {
        guard let id = context.parameters.get("id"), !id.isEmpty else {
            throw APIError(.badRequest, "missing node id in the path", hint: "GET /api/v1/nodes/{id}")
        }
        return id
    }

    private func query<T>(_ body: (any TelemetryQueries) async throws -> T) async throws -> T {
        guard let telemetry else { throw APIError.telemetryUnavailable }
        do { return try await body(telemetry) } catch let error as APIError { throw error } catch { throw APIError.storeFailed(error) }
    }
}
