import GreencapCore

/// KPX's "지역별 시간별 태양광 및 풍력 발전량" (data.go.kr 15065269) in any of its published layouts:
/// wide (one row per date, hour and region with a solar and a wind column) or long (one row per date, hour,
/// region and fuel). Values are MWh per trade hour, i.e. average MW; hour labels are hour-ending KST.
public enum KPXRegionalFile {
    public struct Import: Sendable {
        public var records: [FeedRecord]
        /// "wide" or "long", for the operator's report.
        public var layout: String
        /// Values kept but worth a look (negative generation, hours missing inside the file's range).
        public var warnings: [String]
        /// The line each hour's solar value came from, for merge conflicts.
        var lines: [Int64: Int] = [:]
    }

    public static func parse(_ text: String, file: String, region: String) throws(FeedFileError) -> Import {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        guard let headerLine = lines.first(where: { !$0.isEmpty }) else {
            throw FeedFileError(file: file, line: 1, field: "-", problem: "empty file; expected a KPX header row")
        }
        let header = CSVFields.split(headerLine)
        let columns = header.map(KPXColumn.init(header:))
        func position(_ match: (KPXColumn) -> Bool) -> Int? { columns.firstIndex(where: match) }
        let date = position { $0 == .tradeDate }
        let hour = position { $0 == .tradeHour }
        let place = position { $0 == .region }
        let fuel = position { $0 == .fuel }
        let solar = position { if case .solar = $0 { true } else { false } }
        let wind = position { if case .wind = $0 { true } else { false } }
        let generation = position { if case .generation = $0 { true } else { false } }
        guard let date, let hour, let place, solar != nil || wind != nil || (fuel != nil && generation != nil) else {
            throw FeedFileError(
                file: file, line: 1, field: "-",
                problem: "unknown KPX regional layout: header '\(headerLine)'; expected a trade date, a trade hour, a region, and either solar and wind columns or a fuel column with a generation column")
        }
        let layout = solar != nil || wind != nil ? "wide" : "long"

        var solarByStart: [Int64: (value: Double, line: Int)] = [:]
        var windByStart: [Int64: (value: Double, line: Int)] = [:]
        var warnings: [String] = []
        var negative = 0
        // A release repeats ~20 region names tens of thousands of times: resolve each name once.
        var regionOfName: [Substring: String?] = [:]
        for (offset, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let number = offset + 1
            let fields = CSVFields.split(line)
            guard fields.count == header.count else {
                throw FeedFileError(file: file, line: number, field: "-", problem: "expected \(header.count) fields, found \(fields.count) (a truncated or damaged row)")
            }
            let name = fields[place]
            let code: String?
            if let known = regionOfName[name] {
                code = known
            } else {
                code = KPXRegion.code(name)
                regionOfName[name] = code
            }
            guard code == region else { continue }
            let start = try hourStart(date: fields[date], hour: fields[hour], file: file, line: number, headers: (header[date], header[hour]))
            func store(_ column: Int, into table: inout [Int64: (value: Double, line: Int)], unit: Double) throws(FeedFileError) {
                guard let value = try KPXNumber.parse(fields[column], file: file, line: number, field: String(header[column])) else { return }
                if let earlier = table[start] {
                    throw FeedFileError(
                        file: file, line: number, field: String(header[column]),
                        problem: "duplicate hour \(Timestamp.format(start)) KST for \(region) (first on line \(earlier.line))")
                }
                if value < 0 { negative += 1 }
                table[start] = (value * unit, number)
            }
            if layout == "wide" {
                if let solar, case .solar(let unit) = columns[solar] { try store(solar, into: &solarByStart, unit: unit) }
                if let wind, case .wind(let unit) = columns[wind] { try store(wind, into: &windByStart, unit: unit) }
            } else if let fuel, let generation, case .generation(let unit) = columns[generation] {
                switch KPXColumn(header: fields[fuel]) {
                case .solar: try store(generation, into: &solarByStart, unit: unit)
                case .wind: try store(generation, into: &windByStart, unit: unit)
                default: continue
                }
            }
        }
        guard !solarByStart.isEmpty || !windByStart.isEmpty else {
            throw FeedFileError(file: file, line: 1, field: "지역", problem: "no rows for region \(region) in this file")
        }
        if negative > 0 { warnings.append("\(negative) negative value(s) kept as published (station consumption)") }
        let starts = Set(solarByStart.keys).union(windByStart.keys).sorted()
        var records: [FeedRecord] = []
        records.reserveCapacity(starts.count)
        var solarLines: [Int64: Int] = [:]
        var missingSolar = 0
        for start in starts {
            guard let solar = solarByStart[start] else {
                missingSolar += 1
                continue
            }
            records.append(FeedRecord(region: region, startUTC: start, solarMW: solar.value, windMW: windByStart[start]?.value, source: file))
            solarLines[start] = solar.line
        }
        if missingSolar > 0 { warnings.append("\(missingSolar) hour(s) with wind but no solar value left out") }
        if let first = records.first, let last = records.last {
            let expected = Int((last.startUTC - first.startUTC) / 3600) + 1
            if expected != records.count {
                warnings.append("\(expected - records.count) hour(s) missing between \(Timestamp.format(first.startUTC)) and \(Timestamp.format(last.startUTC)) KST; not filled in")
            }
        }
        return Import(records: records, layout: layout, warnings: warnings, lines: solarLines)
    }

    /// Start of a KPX trade hour in UTC: trade hour h on date d (KST) is d + (h − 1) h.
    static func hourStart(date: Substring, hour: Substring, file: String, line: Int, headers: (Substring, Substring)) throws(FeedFileError) -> Int64 {
        let day = try KPXDate.dayStart(date, file: file, line: line, field: headers.0)
        let hourDigits = hour.prefix { $0.isNumber }
        guard let tradeHour = Int64(hourDigits), (1...24).contains(tradeHour) else {
            throw FeedFileError(file: file, line: line, field: String(headers.1), problem: "expected a trade hour 1-24 (hour-ending), found '\(hour)'")
        }
        return day + (tradeHour - 1) * 3600
    }
}

/// KPX's numbers: thousands separators ("1,091.33"), surrounding spaces, blank cells for "not published".
enum KPXNumber {
    static func parse(_ field: Substring, file: String, line: Int, field name: String) throws(FeedFileError) -> Double? {
        // Most cells are plain numbers: parse them as they stand and clean up only the rest.
        if let value = Double(field), value.isFinite { return value }
        let cleaned = String(field.unicodeScalars.filter { !$0.properties.isWhitespace && $0 != "," })
        if cleaned.isEmpty || cleaned == "-" { return nil }
        guard let value = Double(cleaned), value.isFinite else {
            throw FeedFileError(file: file, line: line, field: name, problem: "expected a number, found '\(field)'")
        }
        return value
    }
}
