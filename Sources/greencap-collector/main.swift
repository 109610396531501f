import ArgumentParser
import Collector
import Daemon
import GreencapCore

@main
struct GreencapCollectorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "greencap-collector",
        abstract: "Greencap collector: stores fleet telemetry, follows the renewable feed, and plans power caps.",
        discussion: "Configuration: /etc/greencap/collector.toml (see docs/configuration.md). SIGHUP reloads it; SIGTERM stops.",
        version: GreencapVersion.current)

    @OptionGroup var options: DaemonOptions

    func run() async throws {
        let code = await CollectorDaemon.run(options: options)
        if code != 0 { throw ExitCode(code) }
    }
}
