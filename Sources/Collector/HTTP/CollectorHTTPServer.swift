import Foundation
import GreencapConfig
import Grid
import Hummingbird
import Logging
import ServiceLifecycle

/// The collector's HTTP API and `/metrics`, as a `Service` for the collector's ServiceGroup. Read-only: it
/// only reads the store and the providers it is given, so it can be started in-process by tests.
public struct CollectorHTTPServer: Service {
    /// "GET /api/v1/nodes/{id}" for every route registered; a test checks docs/openapi.yaml against it.
    public let routes: [String]
    private let application: Application<RouterResponder<BasicRequestContext>>

    /// - Parameters:
    ///   - telemetry: nil on a collector without ingest: node endpoints answer 503.
    ///   - region: the region the collector follows ([grid] region), the default for grid queries.
    ///   - now: Unix seconds; tests pin it to the recorded data.
    ///   - onListening: called with the bound port once the socket listens (port 0 picks one).
    ///   - timeline: a replay presented as the present: grid times are mapped onto the wall clock.
    ///   - site: the site's power budget by green score ([grid] site_floor / site_ceiling), for job windows.
    public init(
        settings: HTTPSettings, store: SQLiteStore, telemetry: (any TelemetryQueries)?, metrics: CollectorMetrics, region: String,
        timeline: ReplayTimeline? = nil, site: SitePowerBudget? = nil,
        logger: Logger, now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) },
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: APIMiddleware(metrics: metrics))
        var routes: [String] = []
        func get(_ path: String, _ handler: @escaping @Sendable (Request, BasicRequestContext) async throws -> Response) {
            router.on(RouterPath(path), method: .get, use: handler)
            routes.append("GET \(path)")
        }
        let grid = GridRoutes(store: store, region: region, now: now, timeline: timeline, site: site)
        let nodes = NodeRoutes(telemetry: telemetry, now: now)
        let system = SystemRoutes(store: store, metrics: metrics, now: now)
        get("/healthz", system.health)
        get("/metrics", system.exposition)
        get("/api/v1/grid/state", grid.state)
        get("/api/v1/grid/hours", grid.hours)
        get("/api/v1/grid/windows", grid.windows)
        get("/api/v1/nodes", nodes.list)
        get("/api/v1/nodes/{id}", nodes.detail)
        get("/api/v1/nodes/{id}/latest", nodes.latest)
        get("/api/v1/nodes/{id}/history", nodes.history)
        get("/api/v1/caps", nodes.caps)
        get("/api/v1/audit", nodes.audit)
        self.routes = routes
        let serverLogger = logger
        application = Application(
            router: router,
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "greencap-collector"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? settings.port
                serverLogger.info("http listening", metadata: ["host": "\(settings.host)", "port": "\(port)"])
                await onListening(port)
            },
            logger: logger)
    }

    public func run() async throws { try await application.run() }
}
