import ArgumentParser
import Foundation
import GreencapCore
import Grid

/// `greencap grid import FILE...`: KPX files as published (CP949 or UTF-8, any known layout) to
/// normalised hourly records for one region, several files merged into one row per hour.
struct GridImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Print normalised hourly records (UTC start, solar, wind, demand, curtailment) from KPX files.",
        discussion: """
            Reads KPX's regional hourly solar/wind releases (data.go.kr 15065269, wide and long layouts), \
            Jeju's day-row files of hourly solar, wind and demand (15127502, 15065239) and the Jeju and \
            mainland curtailment records (15108268). Columns are recognised by meaning, so reworded headers \
            still import; an unknown layout is an error naming the file and header. Values are MW averaged \
            over the hour (KPX's MWh per trade hour). Hour labels are hour-ending KST: trade hour 1 starts \
            at 00:00 KST, i.e. 15:00 UTC the day before. Files for one region are merged into one row per \
            hour; files that disagree about an hour are an error. Warnings go to standard error. \
            See docs/grid-feeds.md.
            """)

    enum Format: String, ExpressibleByArgument { case csv, json }

    @Argument(help: "KPX files as published, or directories holding them (every .csv below).")
    var files: [String]

    @Option(help: "ISO 3166-2 region: KR-46 Jeonnam, KR-49 Jeju, ... (default: KR-49 when every file is a Jeju-only layout, else KR-46).")
    var region: String?

    @Option(
        help: ArgumentHelp(
            "What a file holds when its header does not say: solar, wind or demand (for a curtailment file, the curtailed fuel).",
            discussion: "'--quantity solar' applies to every file whose header names no quantity; '--quantity FILE=solar' to one file. Repeatable.",
            valueName: "[FILE=]quantity"))
    var quantity: [GridQuantityOption] = []

    @Option(help: "csv or json.")
    var format = Format.csv

    func run() throws {
        let files = try GridFiles.load(files, region: region, quantity: quantity)
        let hours = files.merge.hours
        switch format {
        case .csv: FileHandle.standardOutput.write(Data(GridHourTable.csv(hours).utf8))
        case .json: try printJSON(hours.map(GridHourTable.Row.init))
        }
    }
}
