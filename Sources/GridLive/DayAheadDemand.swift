/// `SmpWithForecastDemand`: day-ahead SMP and demand forecast → `DemandForecast` per area and trade hour.
///
/// `hour` is hour-ending KST ("01"…"24"), and KPX sends most hours twice, once as "01" and once as "1":
/// rows are deduplicated on the hour's number. Two rows for one area and hour that disagree are both
/// refused (there is no telling which is right). 육지 rows give the national total (`slfd`, region `KR`),
/// 제주 rows Jeju's (`jlfd`, `KR-49`).
enum DayAheadDemand {
    static func map(_ pages: [(number: Int, page: GatewayPage)], issuedUTC: Int64) -> MappedRows {
        var result = MappedRows()
        var byKey: [String: (forecast: DemandForecast, page: Int, row: Int)] = [:]
        var order: [String] = []
        var conflicted: Set<String> = []
        for (pageNumber, page) in pages {
            for (index, item) in page.items.enumerated() {
                let row = RowReader(api: .smpDemand, page: pageNumber, row: index + 1, item: item)
                do throws(LiveFeedError) {
                    let area = try row.text("areaName")
                    let region: String
                    let demandField: String
                    switch area {
                    case "육지": (region, demandField) = ("KR", "slfd")
                    case "제주": (region, demandField) = ("KR-49", "jlfd")
                    default: throw row.fail("areaName", "expected 육지 or 제주")
                    }
                    let day = try row.date("date")
                    let hour = try row.integer("hour", in: 1...24)
                    let forecast = DemandForecast(
                        region: region, startUTC: KSTCalendar.tradeHourStartUTC(dayNumber: day, tradeHour: hour),
                        demandMW: try row.megawatts(demandField, positive: true), smpKRWPerKWh: try smp(row),
                        issuedUTC: issuedUTC, source: LiveAPI.smpDemand.sourceLabel)
                    let key = "\(region) \(forecast.startUTC)"
                    if let first = byKey[key] {
                        if first.forecast != forecast && !conflicted.contains(key) {
                            conflicted.insert(key)
                            result.rejected.append(
                                row.fail(
                                    "hour",
                                    "\(area) hour \(hour) also came as page \(first.page) row \(first.row) with other values; both refused"))
                        }
                    } else {
                        byKey[key] = (forecast, pageNumber, index + 1)
                        order.append(key)
                    }
                } catch {
                    result.rejected.append(error)
                }
            }
        }
        result.forecasts = order.filter { !conflicted.contains($0) }.compactMap { byKey[$0]?.forecast }
        return result
    }

    /// The SMP may be negative in principle (Jeju's pilot market), so only its being a number is checked.
    private static func smp(_ row: RowReader) throws(LiveFeedError) -> Double? {
        guard let raw = row.item["smp"], !raw.trimmingWhitespace().isEmpty else { return nil }
        guard let value = Double(raw.filter { $0 != "," }), value.isFinite else { throw row.fail("smp", "not a number") }
        return value
    }
}
