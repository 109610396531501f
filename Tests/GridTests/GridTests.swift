import Foundation
import GreencapCore
import GreencapTestSupport
import Grid
import Testing

@Suite struct TimestampTests {
    @Test func parsesOffsetsExactly() {
        #expect(Timestamp.parseRFC3339("1970-01-01T00:00:00Z") == 0)
        #expect(Timestamp.parseRFC3339("2023-03-01T00:00:00+09:00") == 1_677_596_400)
        #expect(Timestamp.parseRFC3339("2023-02-28T15:00:00Z") == 1_677_596_400)
        #expect(Timestamp.parseRFC3339("2024-02-29T12:30:15-07:30") == Timestamp.parseRFC3339("2024-02-29T20:00:15Z"))
        #expect(Timestamp.parseRFC3339("2023-02-29T00:00:00Z") == nil)
        #expect(Timestamp.parseRFC3339("2023-03-01T24:00:00Z") == nil)
        #expect(Timestamp.parseRFC3339("2023-03-01T00:00:00") == nil, "a time without a zone is ambiguous")
    }

    @Test func formatsInKST() {
        #expect(Timestamp.format(1_677_596_400) == "2023-03-01 00:00")
        #expect(Timestamp.format(1_677_596_400, offsetSeconds: 0) == "2023-02-28 15:00")
        #expect(Timestamp.format(-1, offsetSeconds: 0) == "1969-12-31 23:59")
    }

    @Test func civilRoundTripOverFourCenturies() {
        for days in stride(from: Int64(-146_097), to: 146_097, by: 17) {
            let (y, m, d) = Timestamp.civilFromDays(days)
            #expect(Timestamp.daysFromCivil(year: y, month: m, day: d) == days)
        }
    }
}

@Suite struct NormalizedHourlyCSVTests {
    static func jeonnam() throws -> [FeedRecord] {
        let text = try String(contentsOfFile: Paths.jeonnamCSV, encoding: .utf8)
        return try NormalizedHourlyCSV.parse(text, file: Paths.jeonnamCSV, region: "KR-46")
    }

    @Test func loadsTheBundledJeonnamYear() throws {
        let records = try Self.jeonnam()
        #expect(records.count == 7344)
        // Trade hour 1 of 2023-03-01 is 00:00-01:00 KST, i.e. 15:00 UTC the day before.
        #expect(records.first?.startUTC == Timestamp.parseRFC3339("2023-02-28T15:00:00Z"))
        #expect(records.last?.startUTC == Timestamp.parseRFC3339("2023-12-31T23:00:00+09:00"))
        // December has no per-region wind: blank, not zero.
        let december = records.filter { $0.startUTC >= Timestamp.parseRFC3339("2023-12-01T00:00:00+09:00")! }
        #expect(december.count == 744)
        #expect(december.allSatisfy { $0.windMW == nil })
        // The published maximum: 2023-06-03 13:00-14:00 KST, 1,926 MWh.
        let peak = try #require(records.max { $0.solarMW < $1.solarMW })
        #expect(Timestamp.format(peak.startUTC) == "2023-06-03 13:00")
        #expect(Int(peak.solarMW.rounded()) == 1926)
    }

    @Test func mismatchedHourLabelIsReportedWithLine() {
        let text = "ts_start_kst,trade_date,trade_hour,solar_mwh,wind_mwh\n2023-03-01T00:00:00+09:00,2023-03-01,1,1.0,2.0\n2023-03-01T01:00:00+09:00,2023-03-01,3,1.0,2.0\n"
        #expect(throws: FeedFileError(
            file: "f.csv", line: 3, field: "trade_hour",
            problem: "'3' does not match ts_start_kst 2023-03-01T01:00:00+09:00 (hour-ending label 1-24 expected)")) {
            _ = try NormalizedHourlyCSV.parse(text, file: "f.csv", region: "KR-46")
        }
    }

    @Test func badNumbersAndGapsAreReported() {
        let header = "ts_start_kst,trade_date,trade_hour,solar_mwh,wind_mwh\n"
        let bad = header + "2023-03-01T00:00:00+09:00,2023-03-01,1,abc,2.0\n"
        #expect { try NormalizedHourlyCSV.parse(bad, file: "f.csv", region: "KR-46") } throws: {
            ($0 as? FeedFileError)?.field == "solar_mwh" && ($0 as? FeedFileError)?.line == 2
        }
        let gap = header + "2023-03-01T00:00:00+09:00,2023-03-01,1,1,2\n2023-03-01T02:00:00+09:00,2023-03-01,3,1,2\n"
        #expect { try NormalizedHourlyCSV.parse(gap, file: "f.csv", region: "KR-46") } throws: {
            ($0 as? FeedFileError)?.line == 3 && ($0 as? FeedFileError)?.field == "ts_start_kst"
        }
        #expect { try NormalizedHourlyCSV.parse("time,solar\n", file: "f.csv", region: "KR-46") } throws: {
            ($0 as? FeedFileError)?.line == 1
        }
    }
}

@Suite struct GreenScoreTests {
    func hours(_ values: [Double]) -> [FeedRecord] {
        values.enumerated().map { FeedRecord(region: "KR-46", startUTC: Int64($0.offset) * 3600, solarMW: $0.element, windMW: 0) }
    }

    @Test func scoreIsShareOfTrailingPercentile() {
        // Window of 5 hours, 80th percentile: rank round(4 * 0.8) = 3 of the sorted window.
        let scorer = GreenScorer(windowHours: 5, percentile: 0.8, supplyCeiling: 1)
        let scores = scorer.scores(hours([10, 20, 30, 40, 50, 0, 25]))
        #expect(scores[0] == 1)  // alone in its window
        #expect(scores[4] == 1)  // 50 vs sorted [10,20,30,40,50][3] = 40, clamped
        #expect(abs(scores[5] - 0) < 1e-12)
        // hour 6: window [30,40,50,0,25] sorted [0,25,30,40,50], rank 3 -> 40; 25/40
        #expect(abs(scores[6] - 0.625) < 1e-12)
    }

    @Test func jeonnamScoresAreBoundedAndFollowTheSun() throws {
        let records = try NormalizedHourlyCSVTests.jeonnam()
        let scores = GreenScorer().scores(records)
        #expect(scores.allSatisfy { $0 >= 0 && $0 <= 0.8 })  // no curtailment in these records: supply only
        // Midday (12:00-13:00 KST) outscores 03:00-04:00 KST on average over the year.
        func meanScore(hourKST: Int64) -> Double {
            let picked = zip(records, scores).filter { (($0.0.startUTC + Timestamp.kstOffsetSeconds) / 3600) % 24 == hourKST }
            return picked.map(\.1).reduce(0, +) / Double(picked.count)
        }
        #expect(meanScore(hourKST: 12) > 0.45)  // supply alone tops out at 0.8
        #expect(meanScore(hourKST: 3) < 0.2)
    }

    @Test func replayMapsWallTimeToHours() throws {
        let records = hours([1, 2, 3])
        let feed = try ReplayFeed(records: records, speed: 3600, startUTC: 3600, loop: true)
        #expect(feed.hour(0)?.record.startUTC == 3600)
        #expect(feed.hour(1)?.record.startUTC == 7200)
        #expect(feed.hour(2)?.record.startUTC == 0)
        #expect(feed.hour(2)?.lap == 1)
        #expect(feed.hoursPlayed(afterWallSeconds: 0) == 1)
        #expect(feed.hoursPlayed(afterWallSeconds: 2.5) == 3)
        #expect(feed.simulatedTime(afterWallSeconds: 0.5) == 5400)
        let once = try ReplayFeed(records: records, speed: 3600, startUTC: nil, loop: false)
        #expect(once.hour(3) == nil)
        #expect(throws: ReplayError.self) { try ReplayFeed(records: records, speed: 1, startUTC: 99_999, loop: true) }
        #expect(throws: ReplayError.empty) { try ReplayFeed(records: [], speed: 1, startUTC: nil, loop: true) }
    }
}
