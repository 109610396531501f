import ArgumentParser
import GreencapCore
import Grid

/// Where the grid commands that replay history read it from.
struct GridDataOptions: ParsableArguments {
    @Option(name: .customLong("data"), help: "A directory of KPX files as published (every .csv below it), or one file. Repeatable.")
    var paths: [String] = []

    @Option(help: "ISO 3166-2 region: KR-46 Jeonnam, KR-49 Jeju (default: KR-49 when every file is a Jeju-only layout, else KR-46).")
    var region: String?

    @Option(help: ArgumentHelp("What a file holds when neither its header nor its name says: solar, wind or demand.", valueName: "[FILE=]quantity"))
    var quantity: [GridQuantityOption] = []

    func history() throws -> GridHistory {
        guard !paths.isEmpty else { throw CLIError("name the data with --data DIR (KPX files as published)") }
        return try GridFiles.load(paths, region: region, quantity: quantity).history
    }
}

/// A whole number of hours: `24h`, `2d`, or a bare number of hours.
struct HourCount: ExpressibleByArgument {
    var hours: Int

    init?(argument: String) {
        let text = argument.lowercased()
        let (digits, factor) =
            text.hasSuffix("h") ? (text.dropLast(), 1) : text.hasSuffix("d") ? (text.dropLast(), 24) : (Substring(text), 1)
        guard let value = Int(digits), value > 0 else { return nil }
        hours = value * factor
    }

    init(hours: Int) { self.hours = hours }

    var defaultValueDescription: String { "\(hours)h" }
}

/// A KST calendar date or an RFC 3339 instant, as Unix seconds.
enum GridTime {
    static func parse(_ text: String, option: String) throws -> Int64 {
        if let instant = Timestamp.parseRFC3339(text) { return instant }
        let parts = text.split(separator: "-").compactMap { Int64($0) }
        guard parts.count == 3, (1...12).contains(parts[1]), (1...Timestamp.daysInMonth(year: parts[0], month: parts[1])).contains(parts[2]) else {
            throw CLIError("\(option) '\(text)': expected a date (2022-03-01, KST) or a date-time (2022-03-01T18:00:00+09:00)")
        }
        return Timestamp.daysFromCivil(year: parts[0], month: parts[1], day: parts[2]) * 86400 - Timestamp.kstOffsetSeconds
    }

    static func isDate(_ text: String) -> Bool { Timestamp.parseRFC3339(text) == nil }
}
