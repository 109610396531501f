@testable import Grid
import Testing

/// Live readings → final hours for the green score: means weighted by interval, finality, gaps, sources.
@Suite struct LiveHourRollupTests {
    static let hour: Int64 = 1_714_532_400  // 2024-05-01T03:00:00Z
    static let rollup = LiveHourRollup(region: "KR", settle: 1800, minimumCoverage: 0.5)

    static func fiveMinute(_ index: Int, solar: Double, wind: Double? = 1000, source: String = "kpx:sumperfuel5m", hour: Int64 = hour)
        -> FeedRecord
    {
        FeedRecord(region: "KR", startUTC: hour + Int64(index) * 300, intervalSeconds: 300, solarMW: solar, windMW: wind, source: source)
    }

    @Test func twelveReadingsMakeTheirHourAtOnce() throws {
        let readings = (0..<12).map { Self.fiveMinute($0, solar: $0 % 2 == 0 ? 10_000 : 14_000) }
        // One second after the hour ends: fully covered, so final without waiting to settle.
        let result = Self.rollup.roll(readings, fromUTC: Self.hour, nowUTC: Self.hour + 3601)
        let hour = try #require(result.hours.first)
        #expect(result.hours.count == 1 && result.gaps.isEmpty && result.next == Self.hour + 3600)
        #expect(hour.startUTC == Self.hour && hour.intervalSeconds == 3600 && hour.kind == .actual && hour.region == "KR")
        #expect(hour.solarMW == 12_000 && hour.windMW == 1000 && hour.quality == .good)
    }

    @Test func aPartlyCoveredHourWaitsToSettleThenCountsWhatItHas() throws {
        let readings = (0..<8).map { Self.fiveMinute($0, solar: Double(1000 * ($0 + 1))) }
        #expect(Self.rollup.roll(readings, fromUTC: Self.hour, nowUTC: Self.hour + 3600 + 1799).hours.isEmpty, "readings may still come")
        let result = Self.rollup.roll(readings, fromUTC: Self.hour, nowUTC: Self.hour + 3600 + 1800)
        let hour = try #require(result.hours.first)
        #expect(hour.solarMW == 4500, "the mean of the 40 minutes read")
        #expect(hour.quality == .partial, "not the whole hour")
    }

    @Test func tooFewReadingsLeaveAGapAndTheRollUpGoesOn() {
        let thin = (0..<5).map { Self.fiveMinute($0, solar: 9000) }
        let next = (0..<12).map { Self.fiveMinute($0, solar: 5000, hour: Self.hour + 3600) }
        let result = Self.rollup.roll(thin + next, fromUTC: Self.hour, nowUTC: Self.hour + 7200 + 60)
        #expect(result.gaps == [LiveHourRollup.Gap(startUTC: Self.hour, coverage: 5.0 / 12)])
        #expect(result.hours.map(\.startUTC) == [Self.hour + 3600] && result.next == Self.hour + 7200)
    }

    @Test func theHourNotOverYetAndLaterOnesWait() {
        let readings = (0..<12).map { Self.fiveMinute($0, solar: 5000) }
        let result = Self.rollup.roll(readings, fromUTC: Self.hour, nowUTC: Self.hour + 3599)
        #expect(result.hours.isEmpty && result.gaps.isEmpty && result.next == Self.hour)
    }

    @Test func theStrongestCurtailmentOfTheHourStands() throws {
        var readings = (0..<12).map { Self.fiveMinute($0, solar: 5000) }
        let none = FuelCurtailment(state: .none)
        for index in readings.indices { readings[index].curtailment = Curtailment(solar: none, wind: none) }
        let active = FuelCurtailment(state: .active)
        readings[7].curtailment = Curtailment(solar: active, wind: none)
        let hour = try #require(Self.rollup.roll(readings, fromUTC: Self.hour, nowUTC: Self.hour + 3600).hours.first)
        #expect(hour.curtailment.state == .active)
    }

    @Test func theBestCoveredSourceDecidesAndOthersAreIgnored() throws {
        let national = (0..<12).map { Self.fiveMinute($0, solar: 6000) }
        let partial = (0..<3).map { Self.fiveMinute($0, solar: 99_999, source: "greencap-json:mirror") }
        var elsewhere = Self.fiveMinute(4, solar: 77_777)
        elsewhere.region = "KR-49"
        var forecast = Self.fiveMinute(5, solar: 88_888)
        forecast.kind = .forecast
        // A reading that runs past the end of its hour belongs to no single hour.
        let straddling = FeedRecord(region: "KR", startUTC: Self.hour + 1800, intervalSeconds: 3600, solarMW: 55_555, windMW: nil, source: "odd")
        let hour = try #require(
            Self.rollup.roll(national + partial + [elsewhere, forecast, straddling], fromUTC: Self.hour, nowUTC: Self.hour + 3600).hours.first)
        #expect(hour.solarMW == 6000 && hour.source == "kpx:sumperfuel5m")
    }

    @Test func hourlyRecordsPassThroughAndMissingWindStaysMissing() throws {
        let record = FeedRecord(region: "KR", startUTC: Self.hour, solarMW: 1710.5, windMW: nil, source: "greencap-json:site")
        let hour = try #require(Self.rollup.roll([record], fromUTC: Self.hour, nowUTC: Self.hour + 3600).hours.first)
        #expect(hour.solarMW == 1710.5 && hour.windMW == nil && hour.quality == .partial)
    }
}
