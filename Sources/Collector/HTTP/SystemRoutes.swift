import Hummingbird

/// `/healthz` for load balancers and `/metrics` for Prometheus.
struct SystemRoutes: Sendable {
    let store: SQLiteStore
    let metrics: CollectorMetrics
    let now: @Sendable () -> Int64

    func health(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        do {
            try await store.ping()
        } catch {
            throw APIError(.serviceUnavailable, "the store does not answer: \(error)", hint: "check the disk and the [storage] path")
        }
        struct Body: Encodable { var status = "ok" }
        return JSONResponse.make(Body())
    }

    func exposition(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        // Age is computed at scrape time, so it keeps growing while the feed is stuck (what an alert wants).
        if let newest = try? await store.latestGridHourPerRegion().map(\.startUTC).max() {
            metrics.gridHourAge.set(Double(now() - newest))
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
    }
}
