import Grid
import Hummingbird

/// `GET /api/v1/grid/forecast`: the forecaster's expected green score for the hours after the newest stored
/// grid hour (48 by default), the same forecast `GET /api/v1/grid/windows` searches (`StoredGridForecast`),
/// with the site's budget per hour when `[grid] site_floor`/`site_ceiling` are set. The dashboard's forecast
/// panel and `greencap green-hours` read it.
struct GridForecastRoutes: Sendable {
    let store: SQLiteStore
    /// [grid] region, the default for `region`.
    let region: String
    /// A replay presented as the present: hours are shown at the wall-clock moment they play.
    let timeline: ReplayTimeline?
    let site: SitePowerBudget?

    func forecast(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let parameters = QueryParameters(request: request)
        let horizon = try parameters.hours("hours", in: 1...GreenForecaster.maxHorizonHours) ?? GreenForecaster.maxHorizonHours
        let region = parameters.string("region") ?? self.region
        let forecast = try await StoredGridForecast.issue(store: store, region: region, hours: horizon)
        struct Hour: Encodable {
            var start: APITime
            var end: APITime
            var score: Double
            var supplyScore: Double
            var curtailmentProbability: Double?
            var curtailment: String
            var budgetKW: Double?
        }
        struct Body: Encodable {
            var region: String
            var issued: APITime
            var dataThrough: APITime
            var input: String
            var hours: [Hour]
        }
        return JSONResponse.make(
            Body(
                region: region, issued: APITime(recorded: forecast.issuedUTC, timeline),
                dataThrough: APITime(recorded: forecast.dataThroughUTC, timeline), input: "stored-grid-hours",
                hours: forecast.hours.map {
                    Hour(
                        start: APITime(recorded: $0.startUTC, timeline), end: APITime(recorded: $0.startUTC + 3600, timeline), score: $0.score,
                        supplyScore: $0.supplyScore, curtailmentProbability: $0.curtailmentProbability, curtailment: $0.curtailment.rawValue,
                        budgetKW: site?.budgetKW(score: $0.score))
                }))
    }
}
