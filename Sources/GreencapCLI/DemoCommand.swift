import ArgumentParser
import Foundation

/// `greencap demo`: the whole system on embedded defaults, with no hardware and no network.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a collector and simulated agents while replaying real Jeonnam renewable data.",
        discussion: """
            Starts greencap-collector (SQLite in the state directory) and N greencap-agent processes, \
            supervises them over sd_notify as systemd would, replays KPX's 2023 Jeonnam hourly solar and \
            wind data on an accelerated clock, and prints a live table. Stops on Ctrl-C or after --seconds \
            (default: $DEMO_SECONDS, else 60), then prints a summary. Exit status 0 only if every daemon \
            became ready and stopped cleanly.
            """)

    @Option(help: "Number of simulated agents.")
    var agents = 4

    @Option(help: "Seconds to run before stopping by itself (default: $DEMO_SECONDS, else 60; 0 runs until Ctrl-C).")
    var seconds: Int?

    @Option(help: "Simulated seconds per wall-clock second.")
    var speed: Int = 1200

    @Option(help: "Simulated start (RFC 3339).")
    var start = "2023-04-26T06:00:00+09:00"

    @Option(help: "State directory (config, SQLite, logs); created if missing.")
    var stateDir = ".demo"

    @Option(help: "Normalized hourly CSV to replay (default: the bundled Jeonnam 2023 data).")
    var gridFile: String?

    func validate() throws {
        guard (1...64).contains(agents) else { throw ValidationError("--agents must be 1 to 64") }
        guard (1...1_000_000).contains(speed) else { throw ValidationError("--speed must be 1 to 1,000,000") }
        if let seconds, seconds < 0 { throw ValidationError("--seconds must be 0 or more") }
    }

    func run() async throws {
        let limit: Int
        if let seconds {
            limit = seconds
        } else if let text = ProcessInfo.processInfo.environment["DEMO_SECONDS"], !text.isEmpty {
            guard let value = Int(text), value >= 0 else {
                throw ValidationError("DEMO_SECONDS must be a whole number of seconds, not '\(text)'")
            }
            limit = value
        } else {
            limit = 60
        }
        let settings = DemoSettings(
            agents: agents, seconds: limit, speed: speed, start: start,
            stateDirectory: (stateDir as NSString).standardizingPath, gridFile: gridFile)
        do {
            let code = try await DemoFleet(settings: settings).run()
            if code != 0 { throw ExitCode(code) }
        } catch let error as DemoError {
            FileHandle.standardError.write(Data("greencap demo: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

struct DemoSettings {
    var agents: Int
    var seconds: Int
    var speed: Int
    var start: String
    var stateDirectory: String
    var gridFile: String?
}
