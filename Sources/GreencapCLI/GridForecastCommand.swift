import ArgumentParser
import Foundation
import GreencapCore
import Grid

/// `greencap grid forecast`: the green-score forecast as it would have been issued at a time, from files.
struct GridForecastCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast",
        abstract: "Forecast the green score for the hours after --at, from KPX files (only data before --at is read).")

    @OptionGroup var data: GridDataOptions

    @Option(help: "Issue time: a date-time (2022-04-09T18:00:00+09:00) or a KST date (its midnight).")
    var at: String

    @Option(help: "Hours to forecast, up to 48h.")
    var hours = HourCount(hours: 48)

    @Flag(help: "Print JSON.")
    var json = false

    struct Row: Encodable {
        var start_utc: String
        var start_kst: String
        var score: Double
        var curtailment_probability: Double?
        var supply_score: Double
        var curtailment: String
    }

    func run() throws {
        let forecast = try GridForecasting.issue(data: data, at: at, hours: hours.hours)
        let rows = forecast.hours.map { hour in
            Row(
                start_utc: Timestamp.formatRFC3339(hour.startUTC), start_kst: Timestamp.format(hour.startUTC),
                score: (hour.score * 1000).rounded() / 1000,
                curtailment_probability: hour.curtailmentProbability.map { ($0 * 1000).rounded() / 1000 },
                supply_score: (hour.supplyScore * 1000).rounded() / 1000, curtailment: hour.curtailment.rawValue)
        }
        if json { return try printJSON(rows) }
        print("issued \(Timestamp.format(forecast.issuedUTC)) KST for \(forecast.region); data through \(Timestamp.format(forecast.dataThroughUTC)) KST")
        print("start (KST)        score  p(curtail)  curtailment  ")
        for row in rows {
            let probability = row.curtailment_probability.map { fixed($0, 2) } ?? "-"
            print(row.start_kst.padding(toLength: 17, withPad: " ", startingAt: 0) + fixed(row.score, 2).leftPadded(7)
                + probability.leftPadded(12) + "  " + row.curtailment.padding(toLength: 10, withPad: " ", startingAt: 0) + " " + bar(row.score))
        }
    }
}

enum GridForecasting {
    static func issue(data: GridDataOptions, at: String, hours: Int) throws -> GreenForecast {
        let issued = try GridTime.parse(at, option: "--at")
        let history = try data.history()
        do {
            return try GreenForecaster().forecast(history: history, issuedUTC: issued, hours: hours)
        } catch {
            throw CLIError("\(error)")
        }
    }
}

/// `greencap grid windows`: the best start times for a flexible job within a forecast.
struct GridWindowsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "windows",
        abstract: "Best start times for a job of --duration within the forecast issued at --at (highest mean green score, ties to earliest).")

    @OptionGroup var data: GridDataOptions

    @Option(help: "Issue time of the forecast: a date-time or a KST date.")
    var at: String

    @Option(help: "How long the job runs: 6h, 1d, …")
    var duration: HourCount

    @Option(help: "Look this far ahead, up to 48h.")
    var within = HourCount(hours: 48)

    @Option(help: "How many non-overlapping windows to list.")
    var count = 3

    @Option(help: "The job's power, kW (with --site-floor-kw and --site-ceiling-kw: only windows that fit the site budget).")
    var powerKW: Double?

    @Option(help: "Site power budget in the least green hours, kW.")
    var siteFloorKW: Double?

    @Option(help: "Site power budget when the score is 1, kW.")
    var siteCeilingKW: Double?

    @Flag(help: "Print JSON.")
    var json = false

    struct Row: Encodable {
        var start_utc: String
        var start_kst: String
        var hours: Int
        var mean_score: Double
        var hourly_scores: [Double]
        var hourly_budget_kw: [Double]?
    }

    func run() throws {
        let site: SitePowerBudget?
        switch (siteFloorKW, siteCeilingKW) {
        case (let floor?, let ceiling?):
            guard floor >= 0, ceiling >= floor else { throw CLIError("--site-floor-kw must be ≥ 0 and ≤ --site-ceiling-kw") }
            site = SitePowerBudget(floorKW: floor, ceilingKW: ceiling)
        case (nil, nil): site = nil
        default: throw CLIError("give both --site-floor-kw and --site-ceiling-kw, or neither")
        }
        let forecast = try GridForecasting.issue(data: data, at: at, hours: within.hours)
        let windows: [JobWindow]
        do {
            windows = try JobWindows.best(forecast: forecast.hours, durationHours: duration.hours, count: count, jobPowerKW: powerKW, site: site)
        } catch {
            throw CLIError("\(error)")
        }
        let rows = windows.map { window in
            Row(
                start_utc: Timestamp.formatRFC3339(window.startUTC), start_kst: Timestamp.format(window.startUTC), hours: window.hours,
                mean_score: (window.meanScore * 1000).rounded() / 1000, hourly_scores: window.hourlyScores.map { ($0 * 1000).rounded() / 1000 },
                hourly_budget_kw: window.hourlyBudgetKW?.map { $0.rounded() })
        }
        if json { return try printJSON(rows) }
        print("forecast issued \(Timestamp.format(forecast.issuedUTC)) KST for \(forecast.region); job of \(duration.hours) h")
        for (rank, row) in rows.enumerated() {
            let budget = row.hourly_budget_kw.map { "; site budget " + $0.map { String(Int($0)) }.joined(separator: "/") + " kW" } ?? ""
            print("\(rank + 1). start \(row.start_kst) KST, mean green score \(fixed(row.mean_score, 2))\(budget)")
        }
    }
}
