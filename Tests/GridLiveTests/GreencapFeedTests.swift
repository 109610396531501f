import Foundation
import GreencapTestSupport
import Grid
import GridLive
import Testing

/// The Greencap JSON feed format (`greencap-feed/1`), fetched over HTTP like the KPX APIs.
@Suite struct GreencapFeedTests {
    func settings(_ rig: LiveRig, _ file: String, region: String? = "KR-46") -> LiveSourceSettings {
        LiveSourceSettings(api: .greencapJSON, url: "\(rig.server.root)/feeds/\(file)", region: region, timeout: .seconds(5))
    }

    @Test func aFeedDocumentBecomesRecordsAndItsBadRecordsAreNamed() async throws {
        let rig = try LiveRig(now: "2024-05-01T10:00:00Z")
        defer { rig.stop() }
        var poller = rig.poller(settings(rig, "kr46.json"))
        let report = await poller.poll()
        #expect(report.failure == nil)
        let records = report.rows.records
        #expect(records.count == 3)
        let first = try #require(records.first)
        #expect(first.region == "KR-46" && first.startUTC == utc("2024-05-01T03:00:00Z") && first.intervalSeconds == 3600)
        #expect(first.solarMW == 1710.5 && first.windMW == 88 && first.demandMW == nil)
        #expect(first.curtailment.state == .active && first.kind == .actual && first.issuedUTC == nil)
        #expect(first.source == "greencap-json:mirror-gwangju" && first.quality == .good)
        #expect(records[1].quality == .partial, "no wind and no stated quality: partial, as for KPX's regional files")
        #expect(records[1].curtailment.state == .none)
        let forecast = records[2]
        #expect(forecast.kind == .forecast && forecast.issuedUTC == utc("2024-05-01T09:00:00Z") && forecast.quality == .estimated)
        #expect(forecast.curtailment.state == .possible)
        let problems = report.rows.rejected.map(\.description)
        #expect(problems == [
            "greencap-json page 1 row 4: field 'solar_mw' = \"-5\": negative megawatts; row rejected",
            "greencap-json page 1 row 5: field 'minutes' = \"7\": expected 5, 15, 30 or 60; row rejected",
        ])
    }

    @Test func aDocumentOfAnotherFormatOrRegionIsRefusedWhole() async throws {
        let rig = try LiveRig(now: "2024-05-01T10:00:00Z")
        defer { rig.stop() }
        var wrongFormat = rig.poller(settings(rig, "wrong-format.json"))
        let format = await wrongFormat.poll()
        #expect(format.failure?.description.contains("malformed greencap-feed/1 JSON at format: expected \"greencap-feed/1\"") == true)
        var wrongRegion = rig.poller(settings(rig, "kr46.json", region: "KR-49"))
        let region = await wrongRegion.poll()
        #expect(region.failure?.description.contains("the feed is for KR-46, but this source is configured for KR-49") == true)
        #expect(region.rows.records.isEmpty)
        var missing = rig.poller(settings(rig, "nowhere.json"))
        #expect(await missing.poll().failure == .httpStatus(api: .greencapJSON, page: 1, status: 404))
    }
}
