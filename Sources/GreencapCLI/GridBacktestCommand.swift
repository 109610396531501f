import ArgumentParser
import Foundation
import GreencapCore
import Grid

/// `greencap grid backtest`: replays history and scores forecast green hours against recorded curtailment.
struct GridBacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Score the green-hour forecast against recorded curtailment, with two share baselines.",
        discussion: """
            For every hour from --from to --to (KST) with a known curtailment outcome, the model is given only \
            what was on record --horizon hours before it (refitted weekly on the outcomes known then) and \
            predicts whether the hour is curtailed. An hour counts as curtailed when wind (or any hourly \
            record) was curtailed in it, or, on a solar-curtailment day, when it is trade hour 10–17. \
            Baselines on the same hours: baseline_persistence (renewables ≥ 40 % of demand in the same hour \
            the day before) and baseline_nowcast (the hour's own renewables ≥ 40 % of demand: not a \
            forecast, a ceiling). See docs/green-score.md.
            """)

    @OptionGroup var data: GridDataOptions

    @Option(help: "First day scored (KST date) or instant.")
    var from: String

    @Option(help: "Last day scored (KST date, inclusive) or instant (exclusive).")
    var to: String

    @Option(help: "How far ahead of each hour its forecast is issued, 1h to 48h.")
    var horizon = HourCount(hours: 24)

    @Option(help: "Curtailment probability from which the model predicts a green hour.")
    var threshold = GreenForecaster.defaultThreshold

    @Flag(help: "Print JSON: {model, baseline_persistence, baseline_nowcast: {precision, recall, f1}, hours}.")
    var json = false

    struct Score: Encodable {
        var precision: Double
        var recall: Double
        var f1: Double

        init(_ score: DetectionScore) {
            precision = (score.precision * 10000).rounded() / 10000
            recall = (score.recall * 10000).rounded() / 10000
            f1 = (score.f1 * 10000).rounded() / 10000
        }
    }

    struct Report: Encodable {
        var model: Score
        var baseline_persistence: Score
        var baseline_nowcast: Score
        var hours: Int
    }

    func run() throws {
        let fromUTC = try GridTime.parse(from, option: "--from")
        var toUTC = try GridTime.parse(to, option: "--to")
        if GridTime.isDate(to) { toUTC += 86400 }
        guard fromUTC < toUTC else { throw CLIError("--from \(from) is not before --to \(to)") }
        let history = try data.history()
        let backtest = GreenBacktest(horizonHours: horizon.hours, threshold: threshold)
        let started = ContinuousClock.now
        let result: BacktestResult
        do {
            result = try backtest.run(history: history, fromUTC: fromUTC, toUTC: toUTC)
        } catch {
            throw CLIError("\(history.region): \(error)")
        }
        let elapsed = ContinuousClock.now - started
        standardError(
            "\(history.region): \(result.hours) hours scored (\(result.curtailedHours) curtailed), horizon \(horizon.hours) h, "
                + "threshold \(threshold), \(result.fits) fits in \(elapsed.wholeMilliseconds) ms")
        if json {
            try printJSON(
                Report(
                    model: Score(result.model), baseline_persistence: Score(result.persistence),
                    baseline_nowcast: Score(result.nowcast), hours: result.hours))
            return
        }
        var lines = ["                      precision  recall      F1     TP     FP     FN"]
        for (name, score) in [("model", result.model), ("baseline_persistence", result.persistence), ("baseline_nowcast", result.nowcast)] {
            lines.append(
                name.padding(toLength: 22, withPad: " ", startingAt: 0) + fixed(score.precision, 3).leftPadded(9)
                    + fixed(score.recall, 3).leftPadded(8) + fixed(score.f1, 3).leftPadded(8) + "\(score.truePositives)".leftPadded(7)
                    + "\(score.falsePositives)".leftPadded(7) + "\(score.falseNegatives)".leftPadded(7))
        }
        lines.append("hours: \(result.hours) (\(result.curtailedHours) curtailed)")
        print(lines.joined(separator: "\n"))
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
