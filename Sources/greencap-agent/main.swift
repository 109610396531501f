import Agent
import ArgumentParser
import Daemon
import GreencapCore


@main
struct GreencapAgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "greencap-agent",
        abstract: "Greencap node agent: reads GPU and PDU/UPS power and enforces per-GPU power caps.",
        discussion: "Configuration: /etc/greencap/agent.toml (see docs/configuration.md). SIGHUP reloads it; SIGTERM stops.",
        version: GreencapVersion.current)

    @OptionGroup var options: DaemonOptions

    func run() async throws {
        let code = await AgentDaemon.run(options: options)
        if code != 0 { throw ExitCode(code) }
    }
}
