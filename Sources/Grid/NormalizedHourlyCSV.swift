import GreencapCore

/// Reads Greencap's normalized hourly CSV (`ts_start_kst,trade_date,trade_hour,solar_mwh,wind_mwh`), the
/// format of `Data/grid/*.csv`. KPX's raw published files are handled by the grid importers.
public enum NormalizedHourlyCSV {
    static let requiredColumns = ["ts_start_kst", "trade_hour", "trade_date", "solar_mwh", "wind_mwh"]

    public static func parse(_ text: String, file: String, region: String) throws(FeedFileError) -> [FeedRecord] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let header = lines.first else {
            throw FeedFileError(file: file, line: 1, field: "-", problem: "empty file; expected a header row")
        }
        let columns = header.split(separator: ",", omittingEmptySubsequences: false).map {
            String($0).trimmingCharacters(in: " \u{FEFF}")
        }
        var position: [String: Int] = [:]
        for name in requiredColumns {
            guard let index = columns.firstIndex(of: name) else {
                throw FeedFileError(
                    file: file, line: 1, field: name,
                    problem: "missing column; header is '\(header)', expected columns \(requiredColumns.joined(separator: ","))")
            }
            position[name] = index
        }
        func column(_ name: String) -> Int { position[name] ?? 0 }

        var records: [FeedRecord] = []
        records.reserveCapacity(lines.count)
        for (offset, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let lineNumber = offset + 1
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == columns.count else {
                throw FeedFileError(
                    file: file, line: lineNumber, field: "-",
                    problem: "expected \(columns.count) fields, found \(fields.count)")
            }
            let stamp = String(fields[column("ts_start_kst")])
            guard let start = Timestamp.parseRFC3339(stamp) else {
                throw FeedFileError(
                    file: file, line: lineNumber, field: "ts_start_kst",
                    problem: "expected a date-time like 2023-03-01T00:00:00+09:00, found '\(stamp)'")
            }
            // Cross-check the hour-ending label: trade hour h starts at (h - 1):00 KST.
            let hourText = String(fields[column("trade_hour")])
            guard let tradeHour = Int64(hourText), (1...24).contains(tradeHour),
                (start + Timestamp.kstOffsetSeconds) % 86400 == (tradeHour - 1) * 3600
            else {
                throw FeedFileError(
                    file: file, line: lineNumber, field: "trade_hour",
                    problem: "'\(hourText)' does not match ts_start_kst \(stamp) (hour-ending label 1-24 expected)")
            }
            let solar = try number(fields[column("solar_mwh")], file: file, line: lineNumber, field: "solar_mwh")
            let wind = try number(fields[column("wind_mwh")], file: file, line: lineNumber, field: "wind_mwh")
            guard let solar else {
                throw FeedFileError(file: file, line: lineNumber, field: "solar_mwh", problem: "blank; a value in MWh is required")
            }
            if let previous = records.last, start != previous.startUTC + 3600 {
                throw FeedFileError(
                    file: file, line: lineNumber, field: "ts_start_kst",
                    problem: "\(stamp) does not follow the previous hour (rows must be consecutive hours)")
            }
            records.append(FeedRecord(region: region, startUTC: start, solarMW: solar, windMW: wind, source: file))
        }
        guard !records.isEmpty else {
            throw FeedFileError(file: file, line: 2, field: "-", problem: "no data rows")
        }
        return records
    }

    /// Blank means not published (nil); anything else must be a finite number.
    private static func number(_ field: Substring, file: String, line: Int, field name: String) throws(FeedFileError) -> Double? {
        let text = field.trimmingCharacters(in: " ")
        if text.isEmpty { return nil }
        guard let value = Double(text), value.isFinite else {
            throw FeedFileError(file: file, line: line, field: name, problem: "expected a number in MWh, found '\(text)'")
        }
        return value
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
