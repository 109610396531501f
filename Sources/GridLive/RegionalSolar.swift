import Grid

/// `PvAmountByLocHr`: regional hourly solar → one record per region and trade hour.
///
/// `tradeNo` is the hour-ending KST trade hour (1 = 00:00–01:00 KST = 15:00 UTC the day before);
/// `amgo` is MWh in the hour, i.e. average MW. `regionNm` uses the old names (전라남도, 강원도), mapped to
/// ISO 3166-2 codes. The API carries no wind, so records have `windMW == nil` and quality `partial`.
enum RegionalSolar {
    /// `region`: keep only this ISO code (nil keeps all 17).
    static func map(_ page: GatewayPage, pageNumber: Int, region: String?) -> MappedRows {
        var result = MappedRows()
        for (index, item) in page.items.enumerated() {
            let row = RowReader(api: .pvByRegion, page: pageNumber, row: index + 1, item: item)
            do throws(LiveFeedError) {
                let name = try row.text("regionNm")
                guard let code = KPXRegionName.isoCode(name) else { throw row.fail("regionNm", "not a KPX region name") }
                let day = try row.date("tradeYmd")
                let hour = try row.integer("tradeNo", in: 1...24)
                let solar = try row.megawatts("amgo")
                guard region == nil || region == code else { continue }
                result.records.append(
                    FeedRecord(
                        region: code, startUTC: KSTCalendar.tradeHourStartUTC(dayNumber: day, tradeHour: hour),
                        intervalSeconds: 3600, solarMW: solar, windMW: nil, kind: .actual,
                        source: LiveAPI.pvByRegion.sourceLabel, quality: .partial))
            } catch {
                result.rejected.append(error)
            }
        }
        return result
    }
}
