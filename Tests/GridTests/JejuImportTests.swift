import Foundation
import GreencapCore
import GreencapTestSupport
import Grid
import Testing

/// Jeju's published files (day rows of solar, wind and demand; curtailment records) against the team's
/// normalized Jeju file, every row.
@Suite struct JejuImportTests {
    static let jeju = Paths.repository + "/Data/grid/raw/jeju/"
    static let curtailment = Paths.repository + "/Data/grid/raw/kpx_curtailment/"
    static let solar = jeju + "kpx_jeju_solar_hourly_2019-12_2022-12.cp949.csv"
    static let wind = jeju + "kpx_jeju_wind_hourly_2019-12_2022-12.cp949.csv"
    static let demand = jeju + "kpx_jeju_demand_hourly_2017-01_2022-12.cp949.csv"
    static let records = curtailment + "kpx_jeju_curtailment_hourly_2017-03_2022-12.cp949.csv"
    static let normalized = Paths.repository + "/Data/grid/jeju_renewables_demand_curtailment_hourly_2019-12_2022-12.csv"

    static func text(_ path: String) throws -> String {
        try KPXText.decode(Array(try Data(contentsOf: URL(fileURLWithPath: path))), file: path)
    }

    static func importFile(_ path: String, _ quantity: FeedQuantity? = nil, region: String = "KR-49") throws -> KPXImport {
        try KPXFile.parse(try text(path), file: path, region: region, quantity: quantity)
    }

    /// The normalized file as column name → text per row.
    static func normalizedRows(_ path: String) throws -> [[String: String]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let names = lines[0].split(separator: ",").map(String.init)
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(names, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
    }

    @Test func eachFileImportsWithItsLayoutAndOnlyTheExpectedWarnings() throws {
        let solar = try Self.importFile(Self.solar, .solar)
        #expect(solar.layout.kind == .dailyHours && solar.layout.quantity == .solar)
        #expect(solar.hours.count == 1127 * 24)
        #expect(solar.warnings.isEmpty, "\(solar.warnings)")

        let wind = try Self.importFile(Self.wind, .wind)
        #expect(wind.hours.count == 1127 * 24)
        #expect(wind.warnings == ["1 negative value(s) kept as published (station consumption): line 541 21시: -0.28"])

        let demand = try Self.importFile(Self.demand, .demand)
        #expect(demand.hours.count == 2191 * 24)
        #expect(demand.warnings.count == 1)
        #expect(demand.warnings[0].contains("no unit in the header") && demand.warnings[0].contains("lines 2–2192 in kW"))
        // 2017-01-01 trade hour 1: 656378 kW, 00:00 KST = 15:00 UTC the day before.
        #expect(demand.hours[0] == FeedHour(region: "KR-49", startUTC: Timestamp.parseRFC3339("2016-12-31T15:00:00Z") ?? 0, demandMW: 656.378))

        let records = try Self.importFile(Self.records)
        #expect(records.layout.kind == .curtailmentHours && records.layout.quantity == nil)
        #expect(records.warnings.isEmpty, "\(records.warnings)")
        // 2017-03-21 to 2023-03-19: the file runs past its name's end.
        #expect(records.hours.count == 2190 * 24)
    }

    @Test func mergedRawFilesReproduceEveryRowOfTheNormalizedJejuFile() throws {
        var merge = FeedMerge(region: "KR-49")
        try merge.add(try Self.importFile(Self.solar, .solar))
        try merge.add(try Self.importFile(Self.wind, .wind))
        try merge.add(try Self.importFile(Self.demand, .demand))
        try merge.add(try Self.importFile(Self.records))
        #expect(merge.warnings.isEmpty)
        let byStart = Dictionary(uniqueKeysWithValues: merge.hours.map { ($0.startUTC, $0) })

        // A trade date's wind curtailment day: any of its hours curtailed.
        func windDay(_ dayStart: Int64) -> Bool {
            (0..<24).contains { byStart[dayStart + $0 * 3600]?.curtailment.wind?.state == .active }
        }
        var compared = 0
        var windHours = 0
        for row in try Self.normalizedRows(Self.normalized) {
            let stamp = try #require(row["ts_start_kst"])
            let start = try #require(Timestamp.parseRFC3339(stamp))
            let hour = try #require(byStart[start], "\(stamp) not imported")
            let tradeHour = try #require(Int64(row["trade_hour"] ?? ""))
            let dayStart = start - (tradeHour - 1) * 3600
            #expect(Timestamp.format(dayStart).hasPrefix(row["trade_date"] ?? "-"), "hour-ending label at \(stamp)")
            #expect(hour.solarMW == Double(row["solar_mwh"] ?? ""), "solar at \(stamp)")
            #expect(hour.windMW == Double(row["wind_mwh"] ?? ""), "wind at \(stamp)")
            #expect(hour.demandMW == Double(row["demand_mwh"] ?? ""), "demand at \(stamp)")
            let wind = try #require(hour.curtailment.wind, "wind curtailment unknown at \(stamp)")
            let solar = try #require(hour.curtailment.solar, "solar curtailment unknown at \(stamp)")
            #expect(wind.curtailedMW ?? 0 == Double(row["wind_curtailed_mwh"] ?? ""), "curtailed wind at \(stamp)")
            #expect((wind.state == .active && !wind.dayOnly) == (row["wind_curtail_hour"] == "1"), "wind curtailment hour at \(stamp)")
            #expect(windDay(dayStart) == (row["wind_curtail_day"] == "1"), "wind curtailment day at \(stamp)")
            #expect((solar.state == .active && solar.dayOnly) == (row["solar_curtail_day"] == "1"), "solar curtailment day at \(stamp)")
            #expect(solar.state == .active || solar.state == .none)
            if wind.state == .active { windHours += 1 }
            compared += 1
        }
        #expect(compared == 27048)
        #expect(windHours == 1242)
    }

    @Test func mergedHoursCarryDemandAndCurtailmentIntoFeedRecords() throws {
        var merge = FeedMerge(region: "KR-49")
        try merge.add(try Self.importFile(Self.solar, .solar))
        try merge.add(try Self.importFile(Self.wind, .wind))
        try merge.add(try Self.importFile(Self.demand, .demand))
        try merge.add(try Self.importFile(Self.records))
        // Records need solar: 2019-12 … 2022-12 only, though demand starts in 2017.
        let records = merge.records
        #expect(records.count == 27048)
        // 2019-12-02 trade hour 13 (12:00 KST): wind curtailed 14.9 MWh.
        let noon = try #require(records.first { $0.startUTC == Timestamp.parseRFC3339("2019-12-02T12:00:00+09:00") })
        #expect(noon.demandMW == 665.752)
        #expect(noon.curtailment.state == .active)
        #expect(noon.curtailment.wind == FuelCurtailment(state: .active, curtailedMW: 14.9))
        // A solar curtailment day without hours leaves every hour's overall state unknown unless wind decides it.
        let solarDay = try #require(records.first { $0.startUTC == Timestamp.parseRFC3339("2021-10-17T03:00:00+09:00") })
        #expect(solarDay.curtailment.solar == FuelCurtailment(state: .active, dayOnly: true))
        #expect(solarDay.curtailment.state == .unknown)
        #expect(records.allSatisfy { $0.demandMW != nil && $0.curtailment.solar != nil && $0.curtailment.wind != nil })
    }

    @Test func jejuCurtailmentFilesOf2024() throws {
        let windFiles = ["kpx_jeju_wind_curtailment_hourly_2024-01_2024-03.cp949.csv", "kpx_jeju_wind_curtailment_hourly_2024-04_2024-05.cp949.csv"]
        let solarFiles = ["kpx_jeju_solar_curtailment_days_2024-02_2024-03.cp949.csv", "kpx_jeju_solar_curtailment_days_2024-04_2024-05.cp949.csv"]
        var merge = FeedMerge(region: "KR-49")
        for name in windFiles { try merge.add(try Self.importFile(Self.curtailment + name, .wind)) }
        for name in solarFiles { try merge.add(try Self.importFile(Self.curtailment + name, .solar)) }
        let hours = merge.hours
        let windActive = hours.filter { $0.curtailment.wind?.state == .active }
        // Every curtailed hour as published: 51 event days; the hours' MWh as written.
        let kstDays = Set(windActive.map { ($0.startUTC + Timestamp.kstOffsetSeconds) / 86400 })
        #expect(kstDays.count == 50, "51 rows, but 2024-02-26 has a total of 1 MWh and every hour 0")
        let first = try #require(windActive.first)
        #expect(first.startUTC == Timestamp.parseRFC3339("2024-01-06T11:00:00+09:00"))
        #expect(windActive.prefix(4).map { $0.curtailment.wind?.curtailedMW } == [1, 21, 34, 8])
        // Solar: 5 + 24 days named, every hour of each day marked day-only.
        let solarDays = hours.filter { $0.curtailment.solar?.state == .active }
        #expect(solarDays.count == 29 * 24 && solarDays.allSatisfy { $0.curtailment.solar?.dayOnly == true })
        // 2024-03-31 lies between the files' ranges: no file covers it, so no hour says anything about it.
        #expect(!hours.contains { $0.startUTC == Timestamp.parseRFC3339("2024-03-31T12:00:00+09:00") })
        // Before the first solar file starts, wind is known (none) and solar is not.
        let early = try #require(hours.first { $0.startUTC == Timestamp.parseRFC3339("2024-02-01T12:00:00+09:00") })
        #expect(early.curtailment == Curtailment(solar: nil, wind: .notCurtailed))
        #expect(early.curtailment.state == .unknown)
    }
}
