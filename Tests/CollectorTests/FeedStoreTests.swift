import Collector
import GreencapTestSupport
import Grid
import Testing

/// The live feed's table: an actual fetched again replaces the stored one; every issue of a forecast stays.
@Suite struct FeedStoreTests {
    @Test func actualsAreReplacedAndForecastIssuesKept() async throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.path + "/collector.sqlite")
        let actual = FeedRecord(
            region: "KR", startUTC: 1_714_532_400, intervalSeconds: 300, solarMW: 15235.5, windMW: 1434.2, demandMW: 61244,
            source: "kpx:sumperfuel5m")
        try await store.record(feed: [actual], recordedUTC: 1)
        var corrected = actual
        corrected.solarMW = 15300
        try await store.record(feed: [corrected], recordedUTC: 2)
        let forecast = FeedRecord(
            region: "KR-46", startUTC: 1_714_532_400, solarMW: 1500, windMW: 70, kind: .forecast, issuedUTC: 100, source: "greencap-json",
            quality: .estimated)
        var reissued = forecast
        reissued.issuedUTC = 200
        try await store.record(feed: [forecast, reissued, reissued], recordedUTC: 3)

        #expect(try await store.feedRecordCount() == 3)
        #expect(try await store.feedRecords(region: "KR") == [corrected])
        let forecasts = try await store.feedRecords(region: "KR-46")
        #expect(forecasts.map(\.issuedUTC) == [100, 200] && forecasts.allSatisfy { $0.kind == .forecast && $0.quality == .estimated })
    }
}
