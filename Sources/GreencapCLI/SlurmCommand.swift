import ArgumentParser
import Foundation
import GreencapCore

/// `greencap slurm`: what the Slurm integration (Slurm/job_submit.lua, docs/slurm.md) asks the collector.
struct SlurmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm", abstract: "Green-hour scheduling for Slurm (docs/slurm.md).", subcommands: [SlurmBeginCommand.self])
}

/// `greencap slurm begin`: the `--begin=` value for the start of the best window, so that
/// `sbatch --begin=$(greencap slurm begin --duration 6h) job.sh` waits for green hours.
struct SlurmBeginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "begin",
        abstract: "Print the sbatch --begin= value (local time, or \"now\") for the start of the greenest window for a job.",
        discussion: """
            Exit status: 0 printed a begin time; 64 bad flags; 65 the collector found no window (too little data, \
            nothing fits --power); 69 the collector is unreachable or failing; 77 not permitted. On anything but 0 \
            nothing is printed on standard output, so `--begin=$(...)` fails in sbatch rather than starting the \
            job at a wrong time; Slurm/job_submit.lua submits the job unchanged instead.
            """)

    @OptionGroup var client: CollectorClientOptions

    @Option(help: ArgumentHelp("The job's time limit: 6h, 90m, 1d (rounded up to whole hours).", valueName: "duration"))
    var duration: String

    @Option(help: ArgumentHelp("Start within this much of now, up to 48h.", valueName: "duration"))
    var within = "48h"

    @Option(help: ArgumentHelp("The job's power, e.g. 40kW: only windows within the site's hourly budget.", valueName: "power"))
    var power: String?

    func validate() throws {
        _ = try WindowQuery(duration: duration, within: within, power: power, count: 1)
    }

    /// What `--json` prints: the begin value and the window it came from.
    struct Answer: Encodable {
        var begin: String
        var beginEpoch: Int64
        var start: String
        var end: String
        var hours: Int
        var meanScore: Double
        var region: String
    }

    func run() async throws {
        let query = try WindowQuery(duration: duration, within: within, power: power, count: 1)
        try await client.run { collector in
            let reply = try await collector.get("/api/v1/grid/windows", query: query.parameters).decode(GridAnswers.Windows.self)
            guard let best = reply.windows.first, let startMs = GridAnswers.milliseconds(best.start) else {
                throw CollectorClientError.unavailable("the collector answered without a window; are the CLI and collector versions the same?")
            }
            let now = Timestamp.nowMilliseconds() / 1000
            // Rounded up to the second: a job never begins before its window. A window already open starts now.
            let startSeconds = (startMs + 999) / 1000
            let begin = startSeconds > now ? GridAnswers.localDateTime(startSeconds) : "now"
            if client.json {
                let answer = Answer(
                    begin: begin, beginEpoch: max(startSeconds, now), start: best.start, end: best.end, hours: best.hours,
                    meanScore: best.meanScore, region: reply.region)
                let encoder = JSONEncoder()
                encoder.keyEncodingStrategy = .convertToSnakeCase
                encoder.outputFormatting = [.sortedKeys]
                // print, not FileHandle.write: a reader that closes the pipe early must not crash the command.
                print(String(decoding: try encoder.encode(answer), as: UTF8.self))
            } else {
                print(begin)
            }
        }
    }
}
