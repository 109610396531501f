import Grid

/// The forecaster run over the stored grid hours of a region: issued for the hour after the newest stored
/// one, from what the forecaster reads (the supply score's trailing window plus its baseline days). The
/// stored feed has solar and wind but no curtailment outcomes, so each hour's expected score is its usual
/// supply score. Job windows (`GET /api/v1/grid/windows`) search this forecast.
enum StoredGridForecast {
    static func issue(store: SQLiteStore, region: String, hours: Int) async throws(APIError) -> GreenForecast {
        let forecaster = GreenForecaster()
        let newest: SQLiteStore.GridHour?
        do {
            newest = try await store.latestGridHourPerRegion().first { $0.region == region }
        } catch {
            throw .storeFailed(error)
        }
        guard let newest else {
            throw APIError(
                .notFound, "no grid hour of region '\(region)' is stored, so there is nothing to forecast from",
                hint: "GET /api/v1/grid/state lists the regions with hours; set [grid] source and wait for the feed")
        }
        let span = Int64(forecaster.scorer.windowHours + forecaster.baselineDays * 24)
        let stored: [SQLiteStore.GridHour]
        do {
            stored = try await store.gridHours(
                region: region, fromUTC: newest.startUTC - span * 3600, toUTC: newest.startUTC + 3600, limit: Int(span) + 1)
        } catch {
            throw .storeFailed(error)
        }
        let history = GridHistory(
            region: region, hours: stored.map { FeedHour(region: region, startUTC: $0.startUTC, solarMW: $0.solarMW, windMW: $0.windMW) })
        do {
            return try forecaster.forecast(history: history, issuedUTC: newest.startUTC + 3600, hours: hours)
        } catch {
            throw APIError(.notFound, "cannot forecast \(region): \(error)", hint: "the forecast starts once a day of grid hours is stored")
        }
    }
}
