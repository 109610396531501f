import ArgumentParser
import Foundation
import GreencapCore
import Grid

/// `greencap grid bench`: what the forecaster costs. `make bench` (scripts/bench.sh, section 6) runs it on
/// the Jeju files; docs/performance.md keeps the figures.
struct GridBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the 48 h forecast, the daily refit and a backtest.",
        discussion: """
            Forecast: a fit at --at, then 48 h forecasts issued hourly for --issues hours after it with that fit \
            (what the collector does between daily refits); thread CPU per forecast, median. Fit: the three \
            curtailment models refitted on everything on record, median of --fits. Backtest: one run from \
            --from to --to at a 24 h horizon, wall time.
            """,
        shouldDisplay: false)

    @OptionGroup var data: GridDataOptions

    @Option(help: "First issue time (the fit's) for the forecast measurement.")
    var at: String

    @Option(help: "Hourly issues timed with one fit.")
    var issues = 200

    @Option(help: "Refits timed.")
    var fits = 5

    @Option(help: "Backtest start (KST date).")
    var from: String

    @Option(help: "Backtest end (KST date, inclusive).")
    var to: String

    func run() throws {
        let history = try data.history()
        let issued = try GridTime.parse(at, option: "--at")
        let forecaster = GreenForecaster()
        var fitTimes: [UInt64] = []
        var model: GreenForecastModel?
        for _ in 0..<max(1, fits) {
            let started = Clocks.threadCPU()
            model = try forecaster.fit(history: history, issuedUTC: issued)
            fitTimes.append(Clocks.threadCPU() - started)
        }
        guard let model else { return }
        var forecastTimes: [UInt64] = []
        var greenHours = 0
        for issue in 0..<max(1, issues) {
            let started = Clocks.threadCPU()
            let forecast = try forecaster.forecast(history: history, issuedUTC: issued + Int64(issue) * 3600, hours: 48, model: model)
            forecastTimes.append(Clocks.threadCPU() - started)
            greenHours += forecast.hours.filter { $0.curtailment == .possible }.count
        }
        let fromUTC = try GridTime.parse(from, option: "--from")
        let toUTC = try GridTime.parse(to, option: "--to") + 86400
        let wallStart = Clocks.wall()
        let result = try GreenBacktest().run(history: history, fromUTC: fromUTC, toUTC: toUTC)
        let backtestWall = Clocks.wall() - wallStart
        func median(_ values: [UInt64]) -> Double { Double(values.sorted()[values.count / 2]) }
        print("history: \(history.knownCount) hours of \(history.region)")
        print("48 h forecast with a fit (hourly issue): \(fixed(median(forecastTimes) / 1e6, 3)) ms CPU median of \(forecastTimes.count) (target <= 5 ms); \(greenHours) green hours predicted")
        print("refit of the 3 curtailment models: \(fixed(median(fitTimes) / 1e6, 1)) ms CPU median of \(fitTimes.count) (daily)")
        print("backtest \(from)..\(to), 24 h horizon: \(result.hours) hours, \(result.fits) fits, \(fixed(Double(backtestWall) / 1e9, 2)) s wall (target <= 10 s); model F1 \(fixed(result.model.f1, 3))")
    }
}
