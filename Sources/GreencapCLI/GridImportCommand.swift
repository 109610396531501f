import ArgumentParser
import Foundation
import GreencapCore
import Grid

/// `greencap grid import FILE...`: KPX files as published (CP949 or UTF-8, any known layout) to
/// normalised hourly records for one region.
struct GridImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Print normalised hourly records (UTC start, solar, wind, demand, curtailment) from KPX files.",
        discussion: """
            Reads KPX's regional hourly solar/wind releases (data.go.kr 15065269) in their wide and long \
            layouts; columns are recognised by meaning, so reworded headers still import. Values are MW \
            averaged over the hour (KPX's MWh per trade hour). Hour labels are hour-ending KST: trade hour 1 \
            starts at 00:00 KST, i.e. 15:00 UTC the day before. Warnings go to standard error.
            """)

    enum Format: String, ExpressibleByArgument { case csv, json }

    @Argument(help: "KPX files as published.")
    var files: [String]

    @Option(help: "ISO 3166-2 region: KR-46 Jeonnam, KR-49 Jeju, ...")
    var region = "KR-46"

    @Option(help: "csv or json.")
    var format = Format.csv

    func run() throws {
        var records: [HourlyRecord] = []
        for file in files {
            let bytes: [UInt8]
            do {
                bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
            } catch {
                throw CLIError("\(file): cannot read: \(error.localizedDescription)")
            }
            do {
                let imported = try KPXRegionalFile.parse(try KPXText.decode(bytes, file: file), file: file, region: region)
                for warning in imported.warnings { FileHandle.standardError.write(Data("\(file): warning: \(warning)\n".utf8)) }
                FileHandle.standardError.write(
                    Data("\(file): \(imported.layout) layout, \(imported.records.count) hours for \(region)\n".utf8))
                records += imported.records
            } catch {
                throw CLIError("\(error)")
            }
        }
        records.sort { $0.startUTC < $1.startUTC }
        switch format {
        case .csv:
            var out = "start_utc,solar_mw,wind_mw,demand_mw,curtailment\n"
            for record in records {
                out += "\(Timestamp.formatRFC3339(record.startUTC)),\(String(format: "%.6f", record.solarMW)),"
                out += "\(record.windMW.map { String(format: "%.6f", $0) } ?? ""),,unknown\n"
            }
            FileHandle.standardOutput.write(Data(out.utf8))
        case .json:
            struct Row: Encodable {
                var start_utc: String
                var solar_mw: Double
                var wind_mw: Double?
                var demand_mw: Double?
                var curtailment: String
            }
            try printJSON(records.map { Row(start_utc: Timestamp.formatRFC3339($0.startUTC), solar_mw: $0.solarMW, wind_mw: $0.windMW, demand_mw: nil, curtailment: "unknown") })
        }
    }

}
