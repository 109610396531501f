import GreencapCore
import Grid
import Hummingbird

/// `/api/v1/grid/...`: the stored renewable feed and job windows over it.
struct GridRoutes: Sendable {
    let store: SQLiteStore
    /// The region the collector follows ([grid] region); the default for `region` parameters.
    let region: String
    let now: @Sendable () -> Int64

    static let maxRows = 10_000

    struct Hour: Encodable {
        var region: String
        var start: APITime
        var end: APITime
        var solarMW: Double
        var windMW: Double?
        var greenScore: Double
        var source: String

        init(_ hour: SQLiteStore.GridHour) {
            region = hour.region
            start = APITime(seconds: hour.startUTC)
            end = APITime(seconds: hour.startUTC + 3600)
            solarMW = hour.solarMW
            windMW = hour.windMW
            greenScore = hour.greenScore
            source = hour.source
        }
    }

    func state(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let latest = try await read { () async throws(StoreError) in try await store.latestGridHourPerRegion() }
        guard !latest.isEmpty else {
            throw APIError(
                .notFound, "no grid hour is stored yet",
                hint: "set [grid] source to \"replay\" or \"live\" and wait for the first hour")
        }
        struct Body: Encodable { var hours: [Hour] }
        return JSONResponse.make(Body(hours: latest.map(Hour.init)))
    }

    func hours(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let query = QueryParameters(request: request)
        let (from, to) = try query.range(defaultSpanSeconds: 24 * 3600, now: now())
        let limit = try query.integer("limit", in: 1...Self.maxRows) ?? 1000
        let region = query.string("region")
        // One more than asked, to tell the client the answer was cut short.
        let rows = try await read { () async throws(StoreError) in
            try await store.gridHours(region: region, fromUTC: from, toUTC: to, limit: limit + 1)
        }
        struct Body: Encodable {
            var from: APITime
            var to: APITime
            var hours: [Hour]
            var truncated: Bool
        }
        return JSONResponse.make(
            Body(from: APITime(seconds: from), to: APITime(seconds: to), hours: rows.prefix(limit).map(Hour.init), truncated: rows.count > limit))
    }

    func windows(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let query = QueryParameters(request: request)
        let duration = try query.hours("duration", in: 1...168) ?? 1
        let count = try query.integer("count", in: 1...24) ?? 3
        let within = try query.hours("within", in: 1...(24 * 14)) ?? 48
        guard duration <= within else { throw APIError.badParameter("duration", "\(duration)h does not fit within \(within)h: raise 'within'") }
        let region = query.string("region") ?? self.region
        let hourStart = (now()).floorDivided(by: 3600) * 3600
        let from = try query.time("from").map { $0.floorDivided(by: 3600) * 3600 } ?? hourStart
        let to = from + Int64(within) * 3600
        let stored = try await read { () async throws(StoreError) in
            try await store.gridHours(region: region, fromUTC: from, toUTC: to, limit: within)
        }
        let windows = try JobWindowSearch.best(hours: stored, durationHours: duration, count: count)
        guard !windows.isEmpty else {
            throw APIError(
                .notFound, "no \(duration)h run of stored \(region) grid hours between \(APITime(seconds: from).text) and \(APITime(seconds: to).text)",
                hint: "pass 'from' at a time the store has hours for (GET /api/v1/grid/hours shows them), or shorten 'duration'")
        }
        struct Window: Encodable {
            var start: APITime
            var end: APITime
            var hours: Int
            var meanScore: Double
            var hourlyScores: [Double]
        }
        struct Body: Encodable {
            var region: String
            var input: String
            var from: APITime
            var to: APITime
            var windows: [Window]
        }
        return JSONResponse.make(
            Body(
                region: region, input: "stored-grid-hours", from: APITime(seconds: from), to: APITime(seconds: to),
                windows: windows.map {
                    Window(
                        start: APITime(seconds: $0.startUTC), end: APITime(seconds: $0.startUTC + Int64($0.hours) * 3600), hours: $0.hours,
                        meanScore: $0.meanScore, hourlyScores: $0.hourlyScores)
                }))
    }

    private func read<T>(_ body: () async throws(StoreError) -> T) async throws(APIError) -> T {
        do { return try await body() } catch { throw .storeFailed(error) }
    }
}
