import GreencapCore

/// Korea Standard Time calendar arithmetic for request parameters and quota days (KST has no DST).
public enum KSTCalendar {
    static let day: Int64 = 86400

    /// Days since 1970-01-01 of the KST date that contains `unixSeconds`.
    public static func dayNumber(_ unixSeconds: Int64) -> Int64 {
        let local = unixSeconds + Timestamp.kstOffsetSeconds
        return local >= 0 ? local / day : (local - day + 1) / day
    }

    /// UTC instant of 00:00 KST on the given KST day.
    public static func midnightUTC(dayNumber: Int64) -> Int64 { dayNumber * day - Timestamp.kstOffsetSeconds }

    /// The next 00:00 KST strictly after `unixSeconds`: when data.go.kr's daily quota resets.
    public static func nextMidnightUTC(after unixSeconds: Int64) -> Int64 { midnightUTC(dayNumber: dayNumber(unixSeconds) + 1) }

    /// Seconds since 00:00 KST.
    public static func secondOfDay(_ unixSeconds: Int64) -> Int64 { unixSeconds - midnightUTC(dayNumber: dayNumber(unixSeconds)) }

    /// `YYYYMMDD` of a KST day, as KPX's `tradeYmd`, `date` and `baseDate` parameters want it.
    public static func yyyymmdd(dayNumber: Int64) -> String {
        let (year, month, dayOfMonth) = Timestamp.civilFromDays(dayNumber)
        return pad(year, 4) + pad(month, 2) + pad(dayOfMonth, 2)
    }

    /// Parses `YYYYMMDD` (also `YYYY-MM-DD`) to a KST day number.
    public static func parseDate(_ text: String) -> Int64? {
        let digits = text.filter { $0 != "-" }
        guard digits.count == 8, let year = Int64(digits.prefix(4)), let month = Int64(digits.dropFirst(4).prefix(2)),
            let dayOfMonth = Int64(digits.suffix(2)), (1...12).contains(month), dayOfMonth >= 1,
            dayOfMonth <= Timestamp.daysInMonth(year: year, month: month), digits.allSatisfy(\.isASCII)
        else { return nil }
        return Timestamp.daysFromCivil(year: year, month: month, day: dayOfMonth)
    }

    /// Parses a KST date-time `YYYYMMDDHHmm` or `YYYYMMDDHHmmss` (separators ignored) to Unix seconds.
    /// `2400` is accepted as the end of the day, as KPX writes it.
    public static func parseDateTime(_ text: String) -> Int64? {
        let digits = text.filter { $0.isNumber && $0.isASCII }
        guard digits.count == 12 || digits.count == 14, text.allSatisfy({ $0.isASCII }),
            let date = parseDate(String(digits.prefix(8))), let hour = Int64(digits.dropFirst(8).prefix(2)),
            let minute = Int64(digits.dropFirst(10).prefix(2))
        else { return nil }
        let second = digits.count == 14 ? Int64(digits.suffix(2)) ?? 99 : 0
        guard (hour <= 23 && minute <= 59 && second <= 59) || (hour == 24 && minute == 0 && second == 0) else { return nil }
        return midnightUTC(dayNumber: date) + hour * 3600 + minute * 60 + second
    }

    /// Start (UTC) of KPX trade hour `tradeHour` (1…24, hour-ending KST) of a KST day: hour 1 is 00:00–01:00 KST.
    public static func tradeHourStartUTC(dayNumber: Int64, tradeHour: Int64) -> Int64 {
        midnightUTC(dayNumber: dayNumber) + (tradeHour - 1) * 3600
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
