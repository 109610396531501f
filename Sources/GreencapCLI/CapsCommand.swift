import ArgumentParser

/// `greencap caps`: engineers' caps through the collector API.
struct CapsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "caps", abstract: "Set, clear and list power caps on sites, rows, racks, nodes and circuits (every change is audited).",
        subcommands: [CapsSetCommand.self, CapsClearCommand.self, CapsListCommand.self])
}
