import GreencapCore
import Grid
import Hummingbird

/// `/api/v1/grid/...`: the stored renewable feed and job windows over it.
struct GridRoutes: Sendable {
    let store: SQLiteStore
    /// The region the collector follows ([grid] region); the default for `region` parameters.
    let region: String
    let now: @Sendable () -> Int64
    /// A replay presented as the present (`[grid.replay] timeline = "now"`): times in and out are wall-clock
    /// times, mapped onto the recording's; nil: the stored times are the times.
    var timeline: ReplayTimeline? = nil
    /// The site's power budget by green score ([grid] site_floor / site_ceiling); nil: not configured.
    var site: SitePowerBudget? = nil

    static let maxRows = 10_000

    struct Hour: Encodable {
        var region: String
        var start: APITime
        var end: APITime
        var solarMW: Double
        var windMW: Double?
        var greenScore: Double
        var source: String

        init(_ hour: SQLiteStore.GridHour, timeline: ReplayTimeline?) {
            region = hour.region
            start = APITime(recorded: hour.startUTC, timeline)
            end = APITime(recorded: hour.startUTC + 3600, timeline)
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
        return JSONResponse.make(Body(hours: latest.map { Hour($0, timeline: timeline) }))
    }

    func hours(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let query = QueryParameters(request: request)
        let (wallFrom, wallTo) = try query.range(defaultSpanSeconds: 24 * 3600, now: now())
        let (from, to) = (recorded(wallFrom), recorded(wallTo))
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
            Body(
                from: APITime(seconds: wallFrom), to: APITime(seconds: wallTo), hours: rows.prefix(limit).map { Hour($0, timeline: timeline) },
                truncated: rows.count > limit))
    }

    func windows(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let query = QueryParameters(request: request)
        let duration = try query.hours("duration", in: 1...168) ?? 1
        let count = try query.integer("count", in: 1...24) ?? 3
        let within = try query.hours("within", in: 1...(24 * 14)) ?? 48
        guard duration <= within else { throw APIError.badParameter("duration", "\(duration)h does not fit within \(within)h: raise 'within'") }
        let region = query.string("region") ?? self.region
        let power = try query.powerKW("power")
        guard let requestedFrom = try query.time("from") else {
            return try await forecastWindows(region: region, durationHours: duration, count: count, within: within, powerKW: power)
        }
        if power != nil { throw APIError.badParameter("power", "applies to the forecast's windows: leave out 'from'") }
        let from = recorded(requestedFrom).floorDivided(by: 3600) * 3600
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
                region: region, input: "stored-grid-hours", from: APITime(recorded: from, timeline), to: APITime(recorded: to, timeline),
                windows: windows.map {
                    Window(
                        start: APITime(recorded: $0.startUTC, timeline), end: APITime(recorded: $0.startUTC + Int64($0.hours) * 3600, timeline),
                        hours: $0.hours, meanScore: $0.meanScore, hourlyScores: $0.hourlyScores)
                }))
    }

    /// Windows within the forecast issued now (`StoredGridForecast`): what `greencap windows` and
    /// `greencap slurm begin` ask for.
    private func forecastWindows(region: String, durationHours: Int, count: Int, within: Int, powerKW: Double?) async throws -> Response {
        guard within <= GreenForecaster.maxHorizonHours else {
            throw APIError.badParameter("within", "the forecast covers at most \(GreenForecaster.maxHorizonHours)h, found \(within)h")
        }
        if powerKW != nil && site == nil {
            throw APIError(
                .badRequest, "'power' needs the site's power budget, which this collector does not have",
                hint: "set [grid] site_floor and site_ceiling in the collector's configuration, or leave out 'power'")
        }
        let forecast = try await StoredGridForecast.issue(store: store, region: region, hours: within)
        let windows: [JobWindow]
        do {
            windows = try JobWindows.best(forecast: forecast.hours, durationHours: durationHours, count: count, jobPowerKW: powerKW, site: site)
        } catch .noWindowFits {
            throw APIError(
                .notFound, "no start within the next \(within)h keeps \(powerKW ?? 0) kW under the site's hourly budget",
                hint: "lower 'power', shorten 'duration' or look further ahead with 'within'")
        } catch {
            throw APIError.badParameter("duration", "\(error)")
        }
        struct Window: Encodable {
            var start: APITime
            var end: APITime
            var hours: Int
            var meanScore: Double
            var hourlyScores: [Double]
            var hourlyBudgetKW: [Double]?
        }
        struct Body: Encodable {
            var region: String
            var input: String
            var issued: APITime
            var dataThrough: APITime
            var from: APITime
            var to: APITime
            var windows: [Window]
        }
        let first = forecast.hours.first?.startUTC ?? forecast.issuedUTC
        return JSONResponse.make(
            Body(
                region: region, input: "forecast", issued: APITime(recorded: forecast.issuedUTC, timeline),
                dataThrough: APITime(recorded: forecast.dataThroughUTC, timeline), from: APITime(recorded: first, timeline),
                to: APITime(recorded: first + Int64(forecast.hours.count) * 3600, timeline),
                windows: windows.map {
                    Window(
                        start: APITime(recorded: $0.startUTC, timeline), end: APITime(recorded: $0.startUTC + Int64($0.hours) * 3600, timeline),
                        hours: $0.hours, meanScore: $0.meanScore, hourlyScores: $0.hourlyScores, hourlyBudgetKW: $0.hourlyBudgetKW)
                }))
    }

    /// The recorded moment for a wall-clock one (the same moment without a timeline).
    private func recorded(_ wallSeconds: Int64) -> Int64 {
        timeline.map { $0.recordedSeconds(atWall: wallSeconds * 1000) } ?? wallSeconds
    }

    private func read<T>(_ body: () async throws(StoreError) -> T) async throws(APIError) -> T {
        do { return try await body() } catch { throw .storeFailed(error) }
    }
}
