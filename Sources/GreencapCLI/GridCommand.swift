import ArgumentParser

/// `greencap grid`: the renewable feed, without the collector.
struct GridCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grid", abstract: "Import KPX renewable files.", subcommands: [GridImportCommand.self])
}
