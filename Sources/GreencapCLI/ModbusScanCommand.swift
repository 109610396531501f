import Foundation
import ArgumentParser
import Modbus

/// `greencap modbus scan`: which unit ids answer on a bus, and which profiles read them without error.
struct ModbusScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Probe unit ids on a TCP gateway or serial line and try each profile on those that answer.")

    @OptionGroup var link: ModbusLinkOptions
    @OptionGroup var profiles: ProfileDirectoryOption

    @Option(help: "Unit ids to probe, e.g. 1-10 or 1,2,5 (default 1-10).")
    var units = "1-10"

    @Option(help: "Per-request timeout while probing (default 200ms).")
    var timeout: String?

    @Option(name: .customLong("profile"), help: "Only try these profiles (repeatable; default: all).")
    var only: [String] = []

    func run() throws {
        let ids = try parseUnits(units)
        let probeTimeout = try parseDuration(option: "--timeout", timeout, default: .milliseconds(200))
        let catalog = profiles.catalog
        let names = only.isEmpty ? catalog.names() : only
        let candidates = try names.map { try profiles.load($0) }
        var probe = ConnectionDefaults()
        probe.responseTimeout = probeTimeout
        probe.retries = 0
        let endpoint = try link.endpoint(defaults: probe)
        print("scanning \(endpoint) units \(units) with \(candidates.count) profile(s)")
        var rows = [["UNIT", "ANSWERS", "PROFILES THAT READ CLEANLY"]]
        for id in ids {
            var matches: [String] = []
            var answered = false
            for profile in candidates {
                var connection = profile.connection
                connection.responseTimeout = probeTimeout
                connection.retries = 0
                if case .rtu = endpoint { connection.interRequestDelay = max(connection.interRequestDelay, .milliseconds(5)) }
                let settings = ModbusDeviceSettings(name: "scan", profile: profile, unitID: id, connection: connection)
                let result = ModbusSinglePoll(settings: settings, endpoint: endpoint).run()
                if let error = result.error {
                    // An exception is an answer: something is there, just not this map. Exceptions 10 and 11
                    // come from a gateway saying no device answers behind it.
                    if error.contains("exception"), !error.contains("exception 10 "), !error.contains("exception 11 ") { answered = true }
                    if error.contains("cannot connect") { throw CLIError(error) }
                    if !answered && error.contains("no answer") { break }
                } else {
                    answered = true
                    let invalid = result.readings.filter { $0.quality == .invalid }.count
                    matches.append(invalid == 0 ? profile.id : "\(profile.id) (\(invalid) invalid)")
                }
            }
            if answered { rows.append(["\(id)", "yes", matches.isEmpty ? "none" : matches.joined(separator: ", ")]) }
        }
        print(rows.count == 1 ? "no unit answered" : table(rows))
    }

    private func parseUnits(_ text: String) throws -> [UInt8] {
        var ids: [UInt8] = []
        for part in text.split(separator: ",") {
            let bounds = part.split(separator: "-").map { UInt8($0.trimmingCharacters(in: .whitespaces)) }
            guard (1...2).contains(bounds.count), let low = bounds.first ?? nil, let high = bounds.last ?? nil, low <= high, high <= 247 else {
                throw ValidationError("--units \(text): expected ids 0-247 like 1-10 or 1,2,5")
            }
            ids += Array(low...high)
        }
        return ids
    }
}
