import Foundation
import GreencapConfig
import Grid
import Hummingbird
import Logging
import ServiceLifecycle

/// The collector's HTTP API and `/metrics`, as a `Service` for the collector's ServiceGroup. It reads the store
/// and the providers it is given and writes only engineers' caps (through `CapControl`), so it can be started
/// in-process by tests.
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
    ///   - authority: API tokens and roles; nil: reads open, writes refused (as without [api] tokens_file).
    ///   - caps: where cap changes go; nil: POST/DELETE /api/v1/caps answer 503.
    public init(
        settings: HTTPSettings, store: SQLiteStore, telemetry: (any TelemetryQueries)?, metrics: CollectorMetrics, region: String,
        timeline: ReplayTimeline? = nil, site: SitePowerBudget? = nil,
        logger: Logger, now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) },
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }, authority: APIAuthority? = nil, caps: CapControl? = nil
    ) {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: APIMiddleware(metrics: metrics))
        let authority = authority ?? APIAuthority(tokensFile: nil, logger: logger)
        router.add(middleware: APIAuthMiddleware(authority: authority))
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
        let capRoutes = CapRoutes(control: caps, telemetry: telemetry, authority: authority, now: now)
        get("/api/v1/caps", capRoutes.list)
        router.on("/api/v1/caps", method: .post, use: capRoutes.set)
        routes.append("POST /api/v1/caps")
        router.on("/api/v1/caps/{id}", method: .delete, use: capRoutes.clear)
        routes.append("DELETE /api/v1/caps/{id}")
        get("/api/v1/audit", capRoutes.audit)
        get("/api/v1/status", StatusRoutes(store: store, control: caps, ingestEnabled: telemetry != nil, now: now).status)
        let fleet = FleetRoutes(telemetry: telemetry, region: region, now: now)
        get("/api/v1/fleet/history", fleet.history)
        get("/api/v1/grid/forecast", GridForecastRoutes(store: store, region: region, timeline: timeline, site: site).forecast)
        // The dashboard's static files (Sources/Collector/Dashboard), compiled into the binary.
        let dashboard = DashboardRoutes()
        get("/", dashboard.root)
        get("/dashboard", dashboard.index)
        get("/dashboard/{file}", dashboard.file)
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
