import ArgumentParser
import GreencapCore

/// `greencap`: the operator's command line.
public struct GreencapCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "greencap",
        abstract: "Greencap: make the GPU fleet follow renewable energy, safely.",
        version: GreencapVersion.current,
        subcommands: [DemoCommand.self, GPUCommand.self, GridCommand.self, ModbusCommand.self, SimCommand.self, ControlCommand.self, WireCommand.self,
            StatusCommand.self, CapsCommand.self, AuditCommand.self,
            GreenHoursCommand.self, WindowsCommand.self, SlurmCommand.self])

    public init() {}
}
