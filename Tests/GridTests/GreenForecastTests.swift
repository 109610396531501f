import Foundation
import GreencapCore
import GreencapTestSupport
import Grid
import Testing

/// The Jeju files as published, merged: solar, wind and demand by the hour and the curtailment records.
enum JejuHistory {
    static let shared: GridHistory? = try? load()

    static func load() throws -> GridHistory {
        var merge = FeedMerge(region: "KR-49")
        for (path, quantity) in [
            (JejuImportTests.solar, FeedQuantity.solar), (JejuImportTests.wind, .wind), (JejuImportTests.demand, .demand),
            (JejuImportTests.records, nil),
        ] {
            try merge.add(try JejuImportTests.importFile(path, quantity))
        }
        return GridHistory(region: "KR-49", hours: merge.hours)
    }

    static func history() throws -> GridHistory {
        guard let shared else { return try load() }
        return shared
    }
}

@Suite struct GreenForecastTests {
    static func kst(_ text: String) -> Int64 { Timestamp.parseRFC3339(text + "+09:00") ?? 0 }

    @Test func calendarKnowsKoreanDaysOff() {
        let day = { (text: String) in KoreanCalendar.kstDay(Self.kst(text + "T12:00:00")) }
        #expect(KoreanCalendar.isDayOff(day("2022-09-12")))  // Chuseok substitute holiday, a Monday
        #expect(KoreanCalendar.isDayOff(day("2021-05-19")))  // Buddha's Birthday
        #expect(KoreanCalendar.isDayOff(day("2022-04-09")))  // a Saturday
        #expect(!KoreanCalendar.isDayOff(day("2022-04-12")))  // a Tuesday
        // 15:00 UTC is midnight KST of the next day: trade hour 1.
        let midnight = Timestamp.parseRFC3339("2022-04-11T15:00:00Z") ?? 0
        #expect(KoreanCalendar.kstHour(midnight) == 0 && KoreanCalendar.kstDay(midnight) == day("2022-04-12"))
        #expect(KoreanCalendar.dayOfYear(day("2022-02-01")) == 32)
    }

    @Test func curtailmentLabelFollowsTheScoringRule() {
        let wind = Curtailment(solar: .notCurtailed, wind: FuelCurtailment(state: .active))
        #expect(CurtailmentLabel.of(wind, kstHour: 3) == true)
        let solarDay = Curtailment(solar: FuelCurtailment(state: .active, dayOnly: true), wind: .notCurtailed)
        #expect(CurtailmentLabel.of(solarDay, kstHour: 9) == true)  // trade hour 10
        #expect(CurtailmentLabel.of(solarDay, kstHour: 16) == true)  // trade hour 17
        #expect(CurtailmentLabel.of(solarDay, kstHour: 8) == false)  // trade hour 9
        #expect(CurtailmentLabel.of(solarDay, kstHour: 17) == false)
        #expect(CurtailmentLabel.of(Curtailment(solar: .notCurtailed), kstHour: 12) == nil)
        #expect(CurtailmentLabel.of(.unknown, kstHour: 12) == nil)
    }

    @Test func historyKeepsGapsOnTheGridAndAveragesFiveMinuteRecords() {
        let start = Self.kst("2024-04-01T00:00:00")
        var records = [
            FeedRecord(region: "KR-49", startUTC: start, solarMW: 0, windMW: 100, demandMW: 500),
            FeedRecord(region: "KR-49", startUTC: start + 3 * 3600, solarMW: 10, windMW: 10, demandMW: 100),
            FeedRecord(region: "KR-46", startUTC: start + 3600, solarMW: 5, windMW: 5),
        ]
        for minute in stride(from: 0, to: 60, by: 5) {
            records.append(
                FeedRecord(
                    region: "KR-49", startUTC: start + 4 * 3600 + Int64(minute) * 60, intervalSeconds: 300,
                    solarMW: Double(minute), windMW: 0, demandMW: 100))
        }
        let history = GridHistory(region: "KR-49", records: records)
        #expect(history.count == 5)
        #expect(abs(history.share[0] - 0.2) < 1e-12)
        #expect(history.share[1].isNaN && history.share[2].isNaN)
        #expect(abs(history.share[3] - 0.2) < 1e-12)
        #expect(abs(history.renewableMW[4] - 27.5) < 1e-9)  // mean of 0, 5, …, 55
    }

    @Test func greenScoreIsOneWhenCurtailedAndSaysHowOldItIs() {
        let scorer = GreenScorer(windowHours: 4)
        let start = Self.kst("2024-04-01T12:00:00")
        let curtailed = Curtailment(solar: FuelCurtailment(state: .active), wind: .notCurtailed)
        let possible = Curtailment(solar: FuelCurtailment(state: .possible), wind: .notCurtailed)
        let records = [
            FeedRecord(region: "KR-46", startUTC: start, solarMW: 100, windMW: 0, curtailment: .unknown),
            FeedRecord(region: "KR-46", startUTC: start + 3600, solarMW: 50, windMW: 0, curtailment: curtailed),
            FeedRecord(region: "KR-46", startUTC: start + 7200, solarMW: 50, windMW: 0, curtailment: possible),
        ]
        let scores = scorer.scores(records)
        #expect(abs(scores[0] - 0.8) < 1e-12)  // the window's own peak: the supply ceiling, not 1
        #expect(scores[1] == 1)
        #expect(abs(scores[2] - (0.4 + 0.1)) < 1e-12)
        let signal = GreenSignal(score: scores[0], intervalStartUTC: start, kind: .actual, quality: .good, asOfUTC: start + 3600)
        #expect(signal.seen(at: start + 3600 + 600, staleAfterSeconds: 7200).isUsable)
        let old = signal.seen(at: start + 3600 + 7201, staleAfterSeconds: 7200)
        #expect(!old.isUsable && old.quality == .stale && old.ageSeconds(now: start + 3600 + 7201) == 7201)
    }

    @Test func forecastReadsNothingAfterItsIssueTime() throws {
        let history = try JejuHistory.history()
        let issued = Self.kst("2022-04-08T18:00:00")
        let honest = try GreenForecaster().forecast(history: history, issuedUTC: issued)
        // Rewrite everything from the issue hour on (every hour curtailed, share 0.9): the forecast must not move.
        let cut = history.index(of: issued)
        var hours: [FeedHour] = []
        for index in 0..<history.knownCount {
            let future = index >= cut
            let label = history.label[index]
            let curtailment =
                future
                ? Curtailment(solar: FuelCurtailment(state: .active), wind: FuelCurtailment(state: .active))
                : label < 0 ? .unknown : Curtailment(solar: .notCurtailed, wind: label == 1 ? FuelCurtailment(state: .active) : .notCurtailed)
            let share = future ? 0.9 : history.share[index]
            let mw = future ? 900 : history.renewableMW[index]
            hours.append(
                FeedHour(
                    region: "KR-49", startUTC: history.startUTC(index), solarMW: mw.isNaN ? nil : mw, windMW: nil,
                    demandMW: share.isNaN || mw.isNaN ? nil : mw / share, curtailment: curtailment))
        }
        let tampered = try GreenForecaster().forecast(history: GridHistory(region: "KR-49", hours: hours), issuedUTC: issued)
        #expect(honest.hours.count == 48 && tampered.hours.count == 48)
        for (a, b) in zip(honest.hours, tampered.hours) {
            #expect(a.startUTC == b.startUTC)
            #expect(abs(a.score - b.score) < 1e-9 && a.curtailment == b.curtailment, "\(Timestamp.format(a.startUTC))")
        }
        #expect(honest.dataThroughUTC == issued - 3600)
    }

    @Test func forecastCoversFortyEightHoursWithBoundedScores() throws {
        let history = try JejuHistory.history()
        let forecast = try GreenForecaster().forecast(history: history, issuedUTC: Self.kst("2022-04-08T18:00:00"))
        #expect(forecast.hours.count == 48)
        #expect(forecast.hours.first?.startUTC == Self.kst("2022-04-08T18:00:00"))
        #expect(forecast.hours.allSatisfy { $0.score >= 0 && $0.score <= 1 })
        // Nights are never forecast curtailed; the spring midday hours carry the probability.
        let night = forecast.hours.filter { KoreanCalendar.kstHour($0.startUTC) == 2 }
        #expect(night.allSatisfy { $0.curtailmentProbability == 0 })
        let middays = forecast.hours.filter { KoreanCalendar.kstHour($0.startUTC) == 13 }
        #expect(middays.allSatisfy { ($0.curtailmentProbability ?? 0) > 0.05 })
        #expect(throws: ForecastError.self) {
            try GreenForecaster().forecast(history: history, issuedUTC: history.firstStartUTC + 3600)
        }
    }

    /// The figures of docs/green-score.md: the nowcast ceiling and persistence baseline as the issue states
    /// them for Jeju 2019–2022, and a model that beats persistence at the day-ahead horizon.
    @Test func backtestOnJejuBeatsPersistence() throws {
        let history = try JejuHistory.history()
        let result = try GreenBacktest(horizonHours: 24).run(
            history: history, fromUTC: Self.kst("2019-12-01T00:00:00"), toUTC: Self.kst("2023-01-01T00:00:00"))
        #expect(result.hours == 27048 && result.curtailedHours == 1289)
        #expect(abs(result.nowcast.f1 - 0.642) < 0.005 && abs(result.nowcast.recall - 0.81) < 0.005)
        #expect(abs(result.persistence.f1 - 0.355) < 0.005)
        #expect(result.model.f1 > result.persistence.f1 + 0.03, "model \(result.model.f1) vs persistence \(result.persistence.f1)")
        #expect(result.model.f1 < result.nowcast.f1)
    }

    @Test func backtestRejectsRangesWithoutData() throws {
        let history = try JejuHistory.history()
        #expect(throws: BacktestError.self) {
            try GreenBacktest().run(history: history, fromUTC: Self.kst("2030-01-01T00:00:00"), toUTC: Self.kst("2030-02-01T00:00:00"))
        }
        #expect(throws: BacktestError.horizon(49)) {
            try GreenBacktest(horizonHours: 49).run(history: history, fromUTC: Self.kst("2021-01-01T00:00:00"), toUTC: Self.kst("2021-02-01T00:00:00"))
        }
    }
}

@Suite struct JobWindowTests {
    static func forecast(_ scores: [Double]) -> [ForecastHour] {
        scores.enumerated().map {
            ForecastHour(startUTC: Int64($0.offset) * 3600, score: $0.element, curtailmentProbability: nil, supplyScore: $0.element, curtailment: .unknown)
        }
    }

    @Test func bestWindowHasTheHighestMeanAndTiesGoToTheEarliest() throws {
        let hours = Self.forecast([0.1, 0.9, 0.9, 0.1, 0.1, 0.9, 0.9, 0.1, 0.5, 0.5])
        let windows = try JobWindows.best(forecast: hours, durationHours: 2, count: 3)
        #expect(windows.map(\.startUTC) == [3600, 5 * 3600, 8 * 3600])
        #expect(abs(windows[0].meanScore - 0.9) < 1e-12 && windows[0].hourlyScores == [0.9, 0.9])
    }

    @Test func windowsRespectTheSitePowerBudget() throws {
        let hours = Self.forecast([0.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5])
        let site = SitePowerBudget(floorKW: 1000, ceilingKW: 2000)
        // Starting at 0 would need 1400 kW in an hour budgeted 1000 kW; starts 2 and 3 overlap the first choice.
        let windows = try JobWindows.best(forecast: hours, durationHours: 3, count: 2, jobPowerKW: 1400, site: site)
        #expect(windows.map(\.startUTC) == [3600, 4 * 3600])
        #expect(windows[0].hourlyBudgetKW == [2000, 2000, 1500])
        #expect(throws: JobWindowError.noWindowFits(jobPowerKW: 2500)) {
            try JobWindows.best(forecast: hours, durationHours: 1, jobPowerKW: 2500, site: site)
        }
        #expect(throws: JobWindowError.longerThanForecast(durationHours: 8, forecastHours: 7)) {
            try JobWindows.best(forecast: hours, durationHours: 8)
        }
    }
}
