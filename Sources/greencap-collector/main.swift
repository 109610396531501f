import ArgumentParser
import Collector
import Daemon
import GreencapCore

@main
struct GreencapCollectorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "greencap-collector",
        abstract: "Greencap collector: stores fleet telemetry, follows the renewable feed, and plans power caps.",
        discussion: "Configuration: /etc/greencap/collector.toml (see docs/configuration.md). SIGHUP reloads it; SIGTERM stops. API tokens: greencap-collector token add|list|revoke (docs/cli.md).",
        version: GreencapVersion.current)

    /// `greencap-collector token ...` is dispatched here, before parsing: the daemon's optional positional
    /// config path would otherwise take the word "token" as a file name.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "token" {
            TokenCommand.main(Array(arguments.dropFirst()))
            return
        }
        do {
            var command = try parseAsRoot(arguments)
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }

    @OptionGroup var options: DaemonOptions

    func run() async throws {
        let code = await CollectorDaemon.run(options: options)
        if code != 0 { throw ExitCode(code) }
    }
}
