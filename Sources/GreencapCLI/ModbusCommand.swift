import ArgumentParser

/// `greencap modbus`: commissioning tools for PDUs, UPSes and meters, like `upsc` and `mbpoll` but with
/// Greencap's device profiles, so they print the same normalised readings the agent uses.
struct ModbusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modbus",
        abstract: "Read Modbus PDUs, UPSes and meters with a device profile; scan a bus; list profiles and serial adapters.",
        discussion: """
            Profiles are found by name in --profile-dir, $GREENCAP_PROFILE_DIRS, /etc/greencap/profiles/modbus, \
            /usr/share/greencap/profiles/modbus and the source tree's Profiles/modbus; a path to a .toml file \
            works too. See docs/modbus-profiles.md.
            """,
        subcommands: [ModbusReadCommand.self, ModbusScanCommand.self, ModbusProfilesCommand.self, ModbusPortsCommand.self, ModbusBenchCommand.self])
}

/// `greencap sim`: simulators for commissioning and tests.
struct SimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim", abstract: "Run device simulators.", subcommands: [SimModbusCommand.self, SimFleetCommand.self, SimKeysCommand.self])
}
