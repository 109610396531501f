import Grid

/// `JejuSukub5mToday`: Jeju's grid every 5 minutes → `KR-49` records (solar `renewPwrSolar`, wind
/// `renewPwrWind`, demand `currPwrTot`), interval-ending like the national feed.
enum JejuGrid {
    static func map(_ page: GatewayPage, pageNumber: Int) -> MappedRows {
        var result = MappedRows()
        for (index, item) in page.items.enumerated() {
            let row = RowReader(api: .jeju5m, page: pageNumber, row: index + 1, item: item)
            do throws(LiveFeedError) {
                let end = try row.dateTime("baseDatetime", "baseDateTime")
                result.records.append(
                    FeedRecord(
                        region: "KR-49", startUTC: end - 300, intervalSeconds: 300, solarMW: try row.megawatts("renewPwrSolar"),
                        windMW: try row.megawatts("renewPwrWind"), demandMW: try row.megawatts("currPwrTot", positive: true),
                        kind: .actual, source: LiveAPI.jeju5m.sourceLabel, quality: .good))
            } catch {
                result.rejected.append(error)
            }
        }
        return result
    }
}
