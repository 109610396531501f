import ArgumentParser
import GreencapCore

/// `greencap green-hours`: the collector's forecast for the next hours, one line per hour with its bar.
struct GreenHoursCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "green-hours",
        abstract: "The expected green score (and the site's power budget, where the collector has one) for each of the next hours.")

    @OptionGroup var client: CollectorClientOptions

    @Option(help: ArgumentHelp("How far ahead: 48h (the most), 12h, 2d.", valueName: "duration"))
    var hours = "48h"

    func validate() throws {
        let seconds = try ClientInput.seconds(hours, flag: "--hours")
        guard GridAnswers.wholeHours(seconds) <= 48 else { throw ValidationError("--hours: the forecast covers at most 48h, found '\(hours)'") }
    }

    func run() async throws {
        let count = GridAnswers.wholeHours(try ClientInput.seconds(hours, flag: "--hours"))
        try await client.run { collector in
            let raw = try await collector.get("/api/v1/grid/forecast", query: [("hours", "\(count)h")])
            if client.json { return client.printRaw(raw) }
            let forecast = try raw.decode(GridAnswers.Forecast.self)
            let bars = ScoreBars.forStandardOutput()
            let issued = GridAnswers.milliseconds(forecast.issued).map { GridAnswers.localDateTime($0 / 1000) } ?? forecast.issued
            print("green hours for \(forecast.region), forecast issued \(issued) (local time)")
            let withBudget = forecast.hours.contains { $0.budgetKw != nil }
            var rows = [["HOUR", "SCORE"] + (withBudget ? ["BUDGET"] : []) + [""]]
            for hour in forecast.hours {
                let start = GridAnswers.milliseconds(hour.start).map { GridAnswers.localDayHour($0 / 1000) } ?? hour.start
                var row = [start, fixed(hour.score, 2)]
                if withBudget { row.append(ClientInput.power(hour.budgetKw.map { $0 * 1000 })) }
                row.append(bars.bar(hour.score))
                rows.append(row)
            }
            print(table(rows))
        }
    }
}
