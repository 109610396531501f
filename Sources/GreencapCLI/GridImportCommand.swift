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

    @Argument(help: "KPX files as published.")
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
        var inputs: [(file: String, text: String, layout: KPXLayout)] = []
        for file in files {
            let bytes: [UInt8]
            do {
                bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
            } catch {
                throw CLIError("\(file): cannot read: \(error.localizedDescription)")
            }
            do {
                let text = try KPXText.decode(bytes, file: file)
                inputs.append((file, text, try KPXFile.layout(of: text, file: file)))
            } catch {
                throw CLIError("\(error)")
            }
        }
        let region = region ?? (inputs.allSatisfy { $0.layout.impliedRegion == "KR-49" } ? "KR-49" : "KR-46")
        let stated = try GridQuantityOption.resolve(quantity, for: inputs.map { ($0.file, $0.layout) })

        var merge = FeedMerge(region: region)
        for input in inputs {
            do {
                let imported = try KPXFile.parse(input.text, file: input.file, region: region, quantity: stated[input.file])
                for warning in imported.warnings { FileHandle.standardError.write(Data("\(input.file): warning: \(warning)\n".utf8)) }
                FileHandle.standardError.write(
                    Data("\(input.file): \(imported.layout) layout, \(imported.hours.count) hours for \(region)\n".utf8))
                try merge.add(imported)
            } catch {
                throw CLIError("\(error)")
            }
        }
        for warning in merge.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        let hours = merge.hours
        switch format {
        case .csv: FileHandle.standardOutput.write(Data(GridHourTable.csv(hours).utf8))
        case .json: try printJSON(hours.map(GridHourTable.Row.init))
        }
    }
}
