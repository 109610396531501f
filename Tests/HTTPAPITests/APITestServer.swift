import AsyncHTTPClient
import Collector
import Foundation
import GreencapConfig
import GreencapCore
import GreencapTestSupport
import Grid
import Logging
import ServiceLifecycle

/// A collector HTTP server on a free loopback port over a temporary store, for one test.
struct APITestServer {
    let store: SQLiteStore
    let metrics: CollectorMetrics
    let port: Int
    let routes: [String]

    /// The seeded week: 2023-05-01T00:00Z to 2023-05-08T00:00Z of the recorded Jeonnam feed.
    static let seedFrom = Timestamp.parseRFC3339("2023-05-01T00:00:00Z") ?? 0
    static let seedTo = seedFrom + 7 * 24 * 3600
    /// The tests' "now": the last seeded hour, so default ranges land on data.
    static let now = seedTo - 1800

    /// Stored grid hours of the week, with the green score the collector's replay would give them.
    static func seedGrid(_ store: SQLiteStore) async throws -> [SQLiteStore.GridHour] {
        let file = Paths.repository + "/Data/grid/jeonnam_solar_wind_hourly_2023-03_2023-12.csv"
        let records = try NormalizedHourlyCSV.parse(try String(contentsOfFile: file, encoding: .utf8), file: file, region: "KR-46")
        let feed = try ReplayFeed(records: records, speed: 3600, startUTC: nil, loop: false)
        var hours: [SQLiteStore.GridHour] = []
        for (record, score) in zip(feed.records, feed.scores) where record.startUTC >= seedFrom && record.startUTC < seedTo {
            let hour = SQLiteStore.GridHour(
                region: record.region, startUTC: record.startUTC, solarMW: record.solarMW, windMW: record.windMW, greenScore: score,
                source: "replay")
            try await store.record(hour)
            hours.append(hour)
        }
        return hours
    }

    /// Runs `body` against a started server and shuts it down afterwards, also when `body` throws.
    static func with<T: Sendable>(
        seed: @Sendable (SQLiteStore) async throws -> Void = { _ in },
        telemetry: @Sendable (SQLiteStore) -> (any TelemetryQueries)? = { _ in nil },
        authority: APIAuthority? = nil,
        caps: @Sendable (SQLiteStore) -> CapControl? = { _ in nil },
        _ body: (APITestServer) async throws -> T
    ) async throws -> T {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.path + "/collector.sqlite")
        try await seed(store)
        let metrics = CollectorMetrics()
        var settings = HTTPSettings()
        settings.port = 0
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "http-test")
        logger.logLevel = .warning
        let server = CollectorHTTPServer(
            settings: settings, store: store, telemetry: telemetry(store), metrics: metrics, region: "KR-46", logger: logger,
            now: { APITestServer.now }, onListening: { port in continuation.yield(port) }, authority: authority,
            caps: caps(store))
        let group = ServiceGroup(services: [server], logger: logger)
        let running = Task { try await group.run() }
        defer { running.cancel() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestFailure("the HTTP server never reported its port") }
        let result: Result<T, any Error>
        do {
            result = .success(try await body(APITestServer(store: store, metrics: metrics, port: port, routes: server.routes)))
        } catch {
            result = .failure(error)
        }
        await group.triggerGracefulShutdown()
        try await running.value
        return try result.get()
    }

    struct Reply {
        var status: Int
        var contentType: String
        var text: String

        /// The body as a JSON object (fails the test when it is not one).
        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                throw TestFailure("not a JSON object: \(text)")
            }
            return object
        }
    }

    func get(_ path: String) async throws -> Reply {
        let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 16 << 20)
        return Reply(
            status: Int(response.status.code), contentType: response.headers.first(name: "content-type") ?? "",
            text: String(buffer: body))
    }
}
