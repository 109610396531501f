import GreencapCore

/// KPX trade dates as written across releases: `2023-03-01`, `2023/03/01`, `2023.03.01`, `20230301`.
enum KPXDate {
    /// 00:00 KST of the trade date, Unix seconds: trade hour h of that date starts h − 1 hours later.
    static func dayStart(_ text: Substring, file: String, line: Int, field: Substring) throws(FeedFileError) -> Int64 {
        let digits = text.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." || $0 == " " }).map(String.init)
        var parts: [Int64]?
        if digits.count == 3 {
            parts = digits.compactMap { Int64($0) }
        } else if digits.count == 1, digits[0].count == 8, let whole = Int64(digits[0]) {
            parts = [whole / 10000, whole / 100 % 100, whole % 100]
        }
        guard let parts, parts.count == 3, (1...12).contains(parts[1]), (1...Timestamp.daysInMonth(year: parts[0], month: parts[1])).contains(parts[2])
        else {
            throw FeedFileError(file: file, line: line, field: String(field), problem: "expected a date like 2023-03-01, found '\(text)'")
        }
        return Timestamp.daysFromCivil(year: parts[0], month: parts[1], day: parts[2]) * 86400 - Timestamp.kstOffsetSeconds
    }

    /// The trade date of a day start, for messages.
    static func format(_ dayStart: Int64) -> String {
        String(Timestamp.format(dayStart).prefix(10))
    }
}
