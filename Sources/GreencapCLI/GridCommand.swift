import ArgumentParser

/// `greencap grid`: the renewable feed, without the collector.
struct GridCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grid", abstract: "Import KPX renewable files, forecast green hours, find job windows, backtest the forecast.",
        subcommands: [GridImportCommand.self, GridForecastCommand.self, GridWindowsCommand.self, GridBacktestCommand.self, GridBenchCommand.self])
}
