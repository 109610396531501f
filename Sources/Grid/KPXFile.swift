/// One KPX file imported for one region: the hours it speaks about, in time order.
public struct KPXImport: Sendable {
    public var file: String
    public var layout: KPXLayout
    public var region: String
    public var hours: [FeedHour]
    /// Values kept but worth a look: negative generation, blank cells, missing days, inferred units.
    public var warnings: [String]
    /// The file line each value came from. A value without one was inferred: a curtailment file's silence
    /// about a day inside its range, read as "none". Merging lets a listed record win over that.
    var lines: [SourceKey: Int]
}

/// One value of one hour, for telling where it came from.
struct SourceKey: Hashable {
    enum Field: Hashable {
        case value(FeedQuantity)
        case curtailment(FeedQuantity)
    }

    var start: Int64
    var field: Field
}

/// The front door for KPX's published files: finds the layout from the header and imports the file.
public enum KPXFile {
    /// The layout the file's header describes; an unknown one is an error naming the file and header.
    public static func layout(of text: String, file: String) throws(FeedFileError) -> KPXLayout {
        let (line, header) = try headerLine(text, file: file)
        return try KPXHeaderMap(CSVFields.split(header)).layout(file: file, line: line, headerLine: header)
    }

    /// Imports a file for one region. `quantity` says what a file holds whose header does not (Jeju's day
    /// rows, and curtailment files without a fuel word); when the header does say, the two must agree.
    public static func parse(_ text: String, file: String, region: String, quantity: FeedQuantity? = nil) throws(FeedFileError) -> KPXImport {
        let (headerNumber, header) = try headerLine(text, file: file)
        let map = KPXHeaderMap(CSVFields.split(header))
        let layout = try map.layout(file: file, line: headerNumber, headerLine: header)
        if let implied = layout.impliedRegion, implied != region {
            throw FeedFileError(
                file: file, line: headerNumber, field: "-",
                problem: "this \(layout.kind.rawValue) layout has no region column; KPX publishes it only for Jeju (\(implied)), so it cannot give \(region): import it with --region \(implied)")
        }
        switch layout.kind {
        case .regionalWide, .regionalLong:
            let imported = try KPXRegionalFile.parse(text, file: file, region: region)
            var lines: [SourceKey: Int] = [:]
            for (start, line) in imported.lines {
                lines[SourceKey(start: start, field: .value(.solar))] = line
                lines[SourceKey(start: start, field: .value(.wind))] = line
            }
            return KPXImport(
                file: file, layout: layout, region: region,
                hours: imported.records.map { FeedHour(region: region, startUTC: $0.startUTC, solarMW: $0.solarMW, windMW: $0.windMW) },
                warnings: imported.warnings, lines: lines)
        case .dailyHours:
            let table = KPXTable(text: text, file: file, headerNumber: headerNumber, map: map)
            return try KPXDailyHoursFile.parse(table, layout: layout, region: region, stated: quantity)
        case .curtailmentHours, .curtailmentDays, .curtailmentEvents:
            let table = KPXTable(text: text, file: file, headerNumber: headerNumber, map: map)
            let records = try KPXCurtailmentFile.events(table, layout: layout, stated: quantity)
            return try KPXCurtailmentFile.hours(records, table: table, layout: layout, region: region)
        }
    }

    /// The first non-empty line and its number, without splitting the whole (possibly large) file.
    static func headerLine(_ text: String, file: String) throws(FeedFileError) -> (Int, Substring) {
        var number = 1
        var rest = Substring(text)
        while !rest.isEmpty {
            let end = rest.firstIndex(of: "\n") ?? rest.endIndex
            var line = rest[..<end]
            if line.hasSuffix("\r") { line = line.dropLast() }
            if !line.isEmpty { return (number, line) }
            rest = end < rest.endIndex ? rest[rest.index(after: end)...] : rest[end...]
            number += 1
        }
        throw FeedFileError(file: file, line: 1, field: "-", problem: "empty file; expected a KPX header row")
    }
}

/// A file's data rows below its header, each checked to have as many fields as the header.
struct KPXTable {
    var file: String
    var headerNumber: Int
    var map: KPXHeaderMap
    var lines: [Substring]

    init(text: String, file: String, headerNumber: Int, map: KPXHeaderMap) {
        self.file = file
        self.headerNumber = headerNumber
        self.map = map
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
    }

    /// The name of column `index` as the file spells it, for error messages.
    func field(_ index: Int) -> String {
        String(map.fields[index].unicodeScalars.filter { $0 != "\u{FEFF}" }).trimmingCharacters(in: " ")
    }

    func rows() throws(FeedFileError) -> [(line: Int, fields: [Substring])] {
        var rows: [(line: Int, fields: [Substring])] = []
        for (offset, text) in lines.enumerated().dropFirst(headerNumber) where !text.isEmpty {
            let fields = CSVFields.split(text)
            guard fields.count == map.fields.count else {
                throw FeedFileError(
                    file: file, line: offset + 1, field: "-",
                    problem: "expected \(map.fields.count) fields, found \(fields.count) (a truncated or damaged row)")
            }
            rows.append((offset + 1, fields))
        }
        guard !rows.isEmpty else {
            throw FeedFileError(file: file, line: headerNumber + 1, field: "-", problem: "no data rows below the header")
        }
        return rows
    }
}

extension KPXFile {
    /// The quantity a file's name speaks of, for files whose header names none (KPX names its Jeju
    /// downloads "…제주 태양광…", "…풍력…", "…수요…"); nil when the name says none or more than one.
    public static func quantity(fromFileName path: String) -> FeedQuantity? {
        let name = (path.split(separator: "/").last.map(String.init) ?? path).lowercased()
        let words: [(FeedQuantity, [String])] = [
            (.solar, ["solar", "태양광", "pv"]), (.wind, ["wind", "풍력"]), (.demand, ["demand", "수요", "load"]),
        ]
        let named = words.filter { _, keys in keys.contains { name.contains($0) } }.map(\.0)
        return named.count == 1 ? named[0] : nil
    }
}
