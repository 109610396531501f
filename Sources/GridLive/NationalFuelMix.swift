import Grid

/// `sumperfuel5m`: national generation by fuel every 5 minutes → `KR` records.
///
/// Solar is `fuelPwr8`, market-traded plants only; KPX's estimates of PPA (`pEsmw`) and behind-the-meter
/// (`bEmsw`) solar are left out, so the figure is the same kind of number as the regional files. Wind is
/// `fuelPwr9`, demand the market total `fuelPwrTot`. A reading at `baseDateTime` t is taken to cover
/// t − 5 min … t, KPX's interval-ending convention, as for trade hours.
enum NationalFuelMix {
    static func map(_ page: GatewayPage, pageNumber: Int) -> MappedRows {
        var result = MappedRows()
        for (index, item) in page.items.enumerated() {
            let row = RowReader(api: .sumperfuel5m, page: pageNumber, row: index + 1, item: item)
            do throws(LiveFeedError) {
                let end = try row.dateTime("baseDateTime", "baseDatetime")
                result.records.append(
                    FeedRecord(
                        region: "KR", startUTC: end - 300, intervalSeconds: 300, solarMW: try row.megawatts("fuelPwr8"),
                        windMW: try row.megawatts("fuelPwr9"), demandMW: try row.megawatts("fuelPwrTot", positive: true),
                        kind: .actual, source: LiveAPI.sumperfuel5m.sourceLabel, quality: .good))
            } catch {
                result.rejected.append(error)
            }
        }
        return result
    }
}
