import Foundation
import GreencapCore
import GreencapTestSupport
import Grid
import Testing

/// KPX's mainland curtailment events against the team's normalized hours, and curtailment rules.
@Suite struct CurtailmentImportTests {
    static let solarEvents = JejuImportTests.curtailment + "kpx_mainland_solar_curtailment_events_2024-03_2025-10.cp949.csv"
    static let windEvents = JejuImportTests.curtailment + "kpx_mainland_wind_curtailment_events_2024-04_2025-11.cp949.csv"
    static let normalized = Paths.repository + "/Data/grid/kpx_mainland_curtailment_hours_2024-03_2025-11.csv"

    /// The province names the normalized file uses, written out here rather than borrowed from the importer.
    static let provinces = [
        "서울": "KR-11", "부산": "KR-26", "대구": "KR-27", "인천": "KR-28", "광주": "KR-29", "대전": "KR-30", "울산": "KR-31",
        "세종": "KR-50", "경기": "KR-41", "강원": "KR-42", "충북": "KR-43", "충남": "KR-44", "전북": "KR-45", "전남": "KR-46",
        "경북": "KR-47", "경남": "KR-48",
    ]

    static func events(_ path: String, _ fuel: FeedQuantity) throws -> KPXCurtailmentFile.Events {
        try KPXCurtailmentFile.events(try JejuImportTests.text(path), file: path, quantity: fuel)
    }

    @Test func mainlandEventFilesReproduceTheNormalizedCurtailedHours() throws {
        // (start, fuel) → (event number, provinces) from the two raw files.
        var imported: [String: (Int?, [String])] = [:]
        var blank: [String] = []
        for (path, fuel) in [(Self.solarEvents, FeedQuantity.solar), (Self.windEvents, .wind)] {
            let parsed = try Self.events(path, fuel)
            #expect(parsed.events.count == (fuel == .solar ? 73 : 83))
            for event in parsed.events {
                for (index, mark) in (event.hours ?? []).enumerated() {
                    let stamp = Timestamp.formatRFC3339(event.dayStartUTC + Int64(index) * 3600, offsetSeconds: Timestamp.kstOffsetSeconds)
                    switch mark {
                    case .curtailed(let mw):
                        #expect(mw == nil, "the mainland files give no volume")
                        imported["\(stamp) \(fuel.rawValue)"] = (event.number, event.regions)
                    case .blank: blank.append(stamp)
                    case .none: break
                    }
                }
            }
        }
        #expect(blank == ["2025-05-12T11:00:00+09:00"], "the one blank cell, read as unknown, not as curtailed")
        var compared = 0
        for row in try JejuImportTests.normalizedRows(Self.normalized) {
            let key = "\(row["ts_start_kst"] ?? "") \(row["fuel"] ?? "")"
            let event = try #require(imported[key], "\(key) not imported as curtailed")
            #expect(event.0 == Int(row["event_seq"] ?? ""), "event number at \(key)")
            let expected = (row["regions_kr"] ?? "").split(separator: "|").map { Self.provinces[String($0)] ?? "?\($0)" }
            #expect(event.1 == expected, "provinces at \(key)")
            #expect(event.1.contains("KR-46") == (row["includes_jeonnam"] == "1"))
            compared += 1
        }
        #expect(compared == 582)
        #expect(imported.count == 582, "no curtailed hour beyond the normalized ones")
    }

    @Test func jeonnamHoursFromBothMainlandFiles() throws {
        var merge = FeedMerge(region: "KR-46")
        for (path, fuel) in [(Self.solarEvents, FeedQuantity.solar), (Self.windEvents, .wind)] {
            let imported = try KPXFile.parse(try JejuImportTests.text(path), file: path, region: "KR-46", quantity: fuel)
            #expect(imported.layout.kind == .curtailmentEvents && imported.layout.quantity == fuel)
            #expect(imported.warnings.count == (fuel == .solar ? 2 : 0), "\(imported.warnings)")
            try merge.add(imported)
        }
        let hours = merge.hours
        let active = hours.filter { $0.curtailment.state == .active }
        let solar = hours.filter { $0.curtailment.solar?.state == .active }.count
        let wind = hours.filter { $0.curtailment.wind?.state == .active }.count
        let expected = try JejuImportTests.normalizedRows(Self.normalized).filter { $0["includes_jeonnam"] == "1" }
        #expect(solar + wind == expected.count)
        #expect(solar == expected.filter { $0["fuel"] == "solar" }.count)
        #expect(Set(active.map { Timestamp.formatRFC3339($0.startUTC, offsetSeconds: Timestamp.kstOffsetSeconds) }) == Set(expected.compactMap { $0["ts_start_kst"] }))
        // 2024-03-10 (solar file's first day) to 2025-11-16 (wind file's last): days without a row are none
        // for the fuels each file covers.
        let quiet = try #require(hours.first { $0.startUTC == Timestamp.parseRFC3339("2024-06-01T12:00:00+09:00") })
        #expect(quiet.curtailment == Curtailment(solar: .notCurtailed, wind: .notCurtailed) && quiet.curtailment.state == .none)
        // Before the wind file's first day only solar is known.
        let early = try #require(hours.first { $0.startUTC == Timestamp.parseRFC3339("2024-03-10T12:00:00+09:00") })
        #expect(early.curtailment.wind == nil && early.curtailment.solar?.state == .active && early.curtailment.state == .active)
    }

    @Test func aProvinceNoRowNamesIsNotReportedAsNeverCurtailed() throws {
        #expect {
            _ = try KPXFile.parse(try JejuImportTests.text(Self.windEvents), file: "wind.csv", region: "KR-49", quantity: .wind)
        } throws: { error in
            (error as? FeedFileError)?.problem.contains("no curtailment row names region KR-49") == true
        }
    }

    @Test func overallStateCombinesFuels() {
        let active = FuelCurtailment(state: .active, curtailedMW: 3)
        let day = FuelCurtailment(state: .active, dayOnly: true)
        #expect(Curtailment(solar: .notCurtailed, wind: active).state == .active)
        #expect(Curtailment(solar: day, wind: active).state == .active)
        #expect(Curtailment(solar: day, wind: .notCurtailed).state == .unknown, "a day-only record does not say this hour")
        #expect(Curtailment(solar: .notCurtailed, wind: .notCurtailed).state == .none)
        #expect(Curtailment(solar: nil, wind: .notCurtailed).state == .unknown)
        #expect(Curtailment(solar: FuelCurtailment(state: .scheduled), wind: FuelCurtailment(state: .possible)).state == .scheduled)
        #expect(day.label == "active-day" && active.label == "active")
    }
}
