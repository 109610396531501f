import Foundation
import GreencapTestSupport
import Grid
import GridLive
import Testing

/// Each KPX API against the replay server, in JSON and in XML: the fields KPX documents become the right
/// records, at the right times.
@Suite struct GatewayAPITests {
    @Test(arguments: [GatewayDataType.json, .xml])
    func nationalFuelMixBecomesFiveMinuteNationalRecords(_ format: GatewayDataType) async throws {
        let rig = try LiveRig(now: "2024-05-01T03:20:00Z")
        defer { rig.stop() }
        var poller = rig.poller(rig.settings(.sumperfuel5m, dataType: format))
        let report = await poller.poll()
        #expect(report.failure == nil, "\(String(describing: report.failure))")
        let records = report.rows.records
        #expect(records.count == 3)
        // baseDateTime 2024-05-01 12:05:00 KST closes the interval 12:00–12:05 KST = 03:00 UTC.
        let first = try #require(records.first)
        #expect(first.region == "KR" && first.intervalSeconds == 300 && first.startUTC == utc("2024-05-01T03:00:00Z"))
        #expect(first.solarMW == 15235.5 && first.windMW == 1434.2 && first.demandMW == 61244.0)
        #expect(first.kind == .actual && first.source == "kpx:sumperfuel5m" && first.quality == .good)
        let requests = try await rig.server.requests()
        #expect(requests.count == 1)
        #expect(requests.first?.keyOK == true, "the decoded key with + / = arrives intact: encoded exactly once")
        #expect(requests.first?.query["numOfRows"] == "300")
    }

    @Test(arguments: [GatewayDataType.json, .xml])
    func regionalSolarConvertsHourEndingKSTAndFollowsPages(_ format: GatewayDataType) async throws {
        let rig = try LiveRig(now: "2024-05-04T03:00:00Z")  // 12:00 KST on 4 May: days 1–3 May are past
        defer { rig.stop() }
        var settings = rig.settings(.pvByRegion, dataType: format, pageSize: 200)
        settings.lookbackDays = 3
        settings.region = "KR-46"
        var poller = rig.poller(settings)
        let report = await poller.poll()
        #expect(report.failure == nil, "\(String(describing: report.failure))")

        // 1 May: 408 rows on three pages of 200 → Jeonnam's 24 hours.
        let may1 = report.rows.records.filter { $0.startUTC < utc("2024-05-01T15:00:00Z") }
        #expect(may1.count == 24)
        // Trade hour 1 of 1 May is 00:00–01:00 KST, i.e. 15:00 UTC on 30 April.
        #expect(may1.first?.startUTC == utc("2024-04-30T15:00:00Z"))
        #expect(may1.allSatisfy { $0.region == "KR-46" && $0.windMW == nil && $0.quality == .partial && $0.intervalSeconds == 3600 })
        // Trade hour 13 (12:00–13:00 KST = 03:00 UTC) is Jeonnam's peak in the fixture: 1900 MWh.
        #expect(may1.first { $0.startUTC == utc("2024-05-01T03:00:00Z") }?.solarMW == 1900.0)

        // 2 May carries two bad Jeonnam rows: refused with API, page, row and field; the other 22 hours kept.
        let may2 = report.rows.records.filter { $0.startUTC >= utc("2024-05-01T15:00:00Z") }
        #expect(may2.count == 22)
        let problems = report.rows.rejected.map(\.description)
        #expect(problems.count == 2)
        // Jeonnam is the 14th of 17 regions: trade hour 12 is row 201 of the day, i.e. page 2 row 1 at 200 a page.
        #expect(problems.contains { $0.hasPrefix("pv-by-region page 2 row 1: field 'amgo' = \"-3.250000\": negative megawatts") })
        #expect(problems.contains { $0.contains("'amgo' = \"n/a\": not a number") })

        let requests = try await rig.server.requests()
        #expect(requests.map { $0.query["pageNo"] ?? "" } == ["1", "2", "3", "1", "2", "3", "1"], "3 pages a day, then 3 May (empty)")

        // A second poll the same day: past days are cached, the empty day waits for tomorrow → no calls.
        try await rig.server.clear()
        let again = await poller.poll()
        #expect(again.cachedDays == 2 && again.calls == 0 && again.rows.records.isEmpty)
        #expect(try await rig.server.requests().isEmpty)

        // After a restart the cache still holds: still no call for 1–2 May.
        var restarted = rig.poller(settings)
        _ = await restarted.poll()
        #expect(try await rig.server.requests().allSatisfy { $0.query["tradeYmd"] == "20240503" })
    }

    @Test(arguments: [GatewayDataType.json, .xml])
    func dayAheadDemandDropsDuplicateHoursAndRefusesConflicts(_ format: GatewayDataType) async throws {
        let rig = try LiveRig(now: "2024-05-01T11:00:00Z")  // 20:00 KST: tomorrow's figures are out
        defer { rig.stop() }
        var poller = rig.poller(rig.settings(.smpDemand, dataType: format))
        let report = await poller.poll()
        #expect(report.failure == nil, "\(String(describing: report.failure))")
        let today = report.rows.forecasts.filter { $0.startUTC < utc("2024-05-01T15:00:00Z") }
        #expect(today.count == 48, "24 hours × 2 areas; hours 1–9 came twice (\"01\" and \"1\")")
        let first = try #require(today.first { $0.region == "KR" })
        #expect(first.startUTC == utc("2024-04-30T15:00:00Z") && first.demandMW == 56012 && first.smpKRWPerKWh == 121.5)
        #expect(first.issuedUTC == rig.clock.now && first.source == "kpx:SmpWithForecastDemand")
        #expect(today.first { $0.region == "KR-49" }?.demandMW == 612)
        // Tomorrow: Jeju hour 7 came twice with different values → refused, the other 47 kept.
        let tomorrow = report.rows.forecasts.filter { $0.startUTC >= utc("2024-05-01T15:00:00Z") }
        #expect(tomorrow.count == 47)
        #expect(report.rows.rejected.count == 1)
        #expect(report.rows.rejected.first?.description.contains("제주 hour 7 also came as page 1 row") == true)
        #expect(report.rows.records.isEmpty, "a demand forecast is not a supply record")

        // Today's complete day is cached; tomorrow's (incomplete) is asked again.
        try await rig.server.clear()
        _ = await poller.poll()
        #expect(try await rig.server.requests().map { $0.query["date"] ?? "" } == ["20240502"])
    }

    @Test(arguments: [GatewayDataType.json, .xml])
    func jejuFiveMinuteGridReadsEveryPage(_ format: GatewayDataType) async throws {
        let rig = try LiveRig(now: "2024-05-01T14:59:00Z")  // 23:59 KST
        defer { rig.stop() }
        var poller = rig.poller(rig.settings(.jeju5m, dataType: format, pageSize: 100))
        let report = await poller.poll()
        #expect(report.failure == nil, "\(String(describing: report.failure))")
        let records = report.rows.records
        #expect(records.count == 288)
        #expect(try await rig.server.requests().map { $0.query["pageNo"] ?? "" } == ["1", "2", "3"])
        #expect(records.allSatisfy { $0.region == "KR-49" && $0.intervalSeconds == 300 && $0.source == "kpx:JejuSukub5mToday" })
        // 00:05 KST closes 00:00–00:05 KST (15:00 UTC the day before); 24:00 closes 23:55–24:00.
        #expect(records.first?.startUTC == utc("2024-04-30T15:00:00Z"))
        #expect(records.last?.startUTC == utc("2024-05-01T14:55:00Z"))
        #expect(records.first?.windMW == 210.5 && records.first?.demandMW == 705)

        // After midnight the finished day is fetched once more, then only the new day.
        try await rig.server.clear()
        rig.clock.set(utc("2024-05-01T15:20:00Z"))
        _ = await poller.poll()
        #expect(try await rig.server.requests().map { $0.query["baseDate"] ?? "" } == ["20240501", "20240501", "20240501", "20240502"])
    }
}
