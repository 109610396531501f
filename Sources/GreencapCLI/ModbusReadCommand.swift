import ArgumentParser
import Foundation
import GreencapCore
import Modbus

/// `greencap modbus read`: one poll of one device, printed as normalised readings.
struct ModbusReadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Poll one device once and print its normalised readings (read-only).")

    @Option(help: "Profile name (see `greencap modbus profiles`) or path to a profile file.")
    var profile: String

    @OptionGroup var link: ModbusLinkOptions
    @OptionGroup var profiles: ProfileDirectoryOption

    @Option(help: "Unit (slave) id (default: the profile's).")
    var unit: UInt8?

    @Option(help: "Response timeout, e.g. 500ms (default: the profile's).")
    var timeout: String?

    @Option(help: "Retries after a timeout or CRC error (default: the profile's).")
    var retries: Int?

    @Flag(help: "Also print points that carry no metric (ratings, settings, status words).")
    var all = false

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let profile = try profiles.load(self.profile)
        var connection = profile.connection
        connection.responseTimeout = try parseDuration(option: "--timeout", timeout, default: connection.responseTimeout)
        if let retries { connection.retries = max(0, retries) }
        let endpoint = try link.endpoint(defaults: connection)
        let settings = ModbusDeviceSettings(name: deviceName(endpoint), profile: profile, unitID: unit, connection: connection)
        let poll = ModbusSinglePoll(settings: settings, endpoint: endpoint)
        let result = poll.run()
        let report = ModbusReadReport(settings: settings, endpoint: endpoint, result: result, includeAll: all)
        if json {
            try printJSON(report)
        } else {
            print(report.text)
        }
        if let failure = report.error { throw CLIError("\(settings.name): \(failure)") }
    }

    private func deviceName(_ endpoint: ModbusEndpoint) -> String {
        "\(profile.split(separator: "/").last.map(String.init) ?? profile)@\(endpoint)#\(unit.map(String.init) ?? "default")"
    }
}
