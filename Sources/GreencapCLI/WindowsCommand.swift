import ArgumentParser
import GreencapCore

/// `greencap windows`: the best start times for a flexible job within the collector's forecast.
struct WindowsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "windows",
        abstract: "Best start times for a job of --duration: the highest mean expected green score, ties to the earliest start.")

    @OptionGroup var client: CollectorClientOptions

    @Option(help: ArgumentHelp("How long the job runs: 6h, 90m, 1d (rounded up to whole hours).", valueName: "duration"))
    var duration: String

    @Option(help: ArgumentHelp("The job's power, e.g. 40kW: only windows within the site's hourly budget.", valueName: "power"))
    var power: String?

    @Option(help: ArgumentHelp("Look this far ahead, up to 48h.", valueName: "duration"))
    var within = "48h"

    @Option(help: "How many windows that do not overlap.")
    var count = 3

    func validate() throws {
        _ = try WindowQuery(duration: duration, within: within, power: power, count: count)
    }

    func run() async throws {
        let query = try WindowQuery(duration: duration, within: within, power: power, count: count)
        try await client.run { collector in
            let raw = try await collector.get("/api/v1/grid/windows", query: query.parameters)
            if client.json { return client.printRaw(raw) }
            let answer = try raw.decode(GridAnswers.Windows.self)
            print("best starts for a \(query.hours) h job in \(answer.region) (local time)")
            var rows = [["#", "START", "END", "MEAN SCORE", "BUDGET (kW, per hour)"]]
            for (rank, window) in answer.windows.enumerated() {
                let start = GridAnswers.milliseconds(window.start).map { GridAnswers.localDateTime($0 / 1000) } ?? window.start
                let end = GridAnswers.milliseconds(window.end).map { GridAnswers.localDateTime($0 / 1000) } ?? window.end
                let budget = window.hourlyBudgetKw.map { $0.map { String(Int($0.rounded())) }.joined(separator: "/") } ?? "-"
                rows.append(["\(rank + 1)", start, end, fixed(window.meanScore, 2), budget])
            }
            print(table(rows))
        }
    }
}

/// The flags `windows` and `slurm begin` share, checked before anything is sent (exit 64 on a bad one).
struct WindowQuery {
    var hours: Int64
    var parameters: [(String, String?)]

    init(duration: String, within: String, power: String?, count: Int) throws {
        let durationSeconds = try ClientInput.seconds(duration, flag: "--duration")
        let withinSeconds = try ClientInput.seconds(within, flag: "--within")
        hours = GridAnswers.wholeHours(durationSeconds)
        guard GridAnswers.wholeHours(withinSeconds) <= 48 else { throw ValidationError("--within: the forecast covers at most 48h, found '\(within)'") }
        guard hours <= GridAnswers.wholeHours(withinSeconds) else {
            throw ValidationError("--duration \(duration) does not fit within \(within): raise --within or split the job")
        }
        guard (1...24).contains(count) else { throw ValidationError("--count: expected 1 to 24, found \(count)") }
        let watts = try power.map { try ClientInput.watts($0, flag: "--power") }
        parameters = GridAnswers.windowsQuery(durationSeconds: durationSeconds, withinSeconds: withinSeconds, count: count, powerWatts: watts)
    }
}
