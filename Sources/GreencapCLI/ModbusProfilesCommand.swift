import ArgumentParser
import GreencapConfig
import Modbus

/// `greencap modbus profiles`: the profiles this machine can use, each validated (fixtures included).
struct ModbusProfilesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profiles",
        abstract: "List the device profiles found, or check profile files (schema, references, fixtures).")

    @OptionGroup var profiles: ProfileDirectoryOption

    @Option(name: .customLong("check"), help: "Validate this profile file instead of listing (repeatable).")
    var check: [String] = []

    func run() throws {
        let catalog = profiles.catalog
        let targets = check.isEmpty ? catalog.names() : check
        var rows = [["PROFILE", "CLASS", "VENDOR", "POINTS", "FIXTURES", "UNVERIFIED", "FILE"]]
        var problems: [String] = []
        for name in targets {
            do {
                let path = try catalog.path(for: name)
                let profile = try ProfileLoader.load(path: path)
                rows.append([
                    profile.id, profile.deviceClass.rawValue, profile.vendor, "\(profile.points.count)",
                    "\(profile.fixtures.count)", "\(profile.points.filter { !$0.verified }.count)", path,
                ])
            } catch {
                problems += error.issues.map(\.description)
            }
        }
        if rows.count > 1 { print(table(rows)) }
        if !problems.isEmpty {
            throw CLIError(problems.joined(separator: "\n"))
        }
        if targets.isEmpty { print("no profiles found in: \(catalog.directories.joined(separator: ", "))") }
    }
}
