import Foundation
import GreencapCore

/// The collector's grid answers as the energy-team commands read them (`green-hours`, `windows`,
/// `slurm begin`), and the times in them as a person or a scheduler on this host writes them.
enum GridAnswers {
    /// `GET /api/v1/grid/windows` without `from`: windows within the forecast, best first.
    struct Windows: Decodable {
        var region: String
        var input: String
        var issued: String?
        var windows: [Window]
    }

    struct Window: Decodable {
        var start: String
        var end: String
        var hours: Int
        var meanScore: Double
        var hourlyScores: [Double]
        var hourlyBudgetKw: [Double]?
    }

    /// `GET /api/v1/grid/forecast`: the expected green score per hour after the newest stored hour.
    struct Forecast: Decodable {
        var region: String
        var issued: String
        var hours: [Hour]
    }

    struct Hour: Decodable {
        var start: String
        var end: String
        var score: Double
        var curtailment: String?
        var budgetKw: Double?
    }

    /// The windows query every command sends: durations in whole hours, as the API takes them.
    static func windowsQuery(durationSeconds: Int64, withinSeconds: Int64?, count: Int?, powerWatts: Double?) -> [(String, String?)] {
        [
            ("duration", "\(wholeHours(durationSeconds))h"), ("within", withinSeconds.map { "\(wholeHours($0))h" }),
            ("count", count.map(String.init)), ("power", powerWatts.map { "\($0)W" }),
        ]
    }

    /// A job of 90 minutes needs two grid hours: rounded up, never down.
    static func wholeHours(_ seconds: Int64) -> Int64 { max(1, (seconds + 3599) / 3600) }

    /// Unix milliseconds of an API time ("2026-11-21T04:00:00.000Z"); nil if it is not one.
    static func milliseconds(_ text: String) -> Int64? {
        guard let seconds = Timestamp.parseRFC3339(text) else { return nil }
        guard let dot = text.firstIndex(of: ".") else { return seconds * 1000 }
        let digits = text[text.index(after: dot)...].prefix { $0.isNumber }.prefix(3)
        let padded = digits + String(repeating: "0", count: 3 - digits.count)
        return seconds * 1000 + (Int64(padded) ?? 0)
    }

    /// `2026-11-21T13:00:00` in this host's time zone (TZ): the form sbatch's `--begin` reads as local time.
    static func localDateTime(_ unixSeconds: Int64) -> String {
        var time = time_t(unixSeconds)
        var parts = tm()
        localtime_r(&time, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour),
            Int(parts.tm_min), Int(parts.tm_sec))
    }

    /// "Sat 13:00" for tables, local time.
    static func localDayHour(_ unixSeconds: Int64) -> String {
        var time = time_t(unixSeconds)
        var parts = tm()
        localtime_r(&time, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        return "\(days[Int(parts.tm_wday) % 7]) " + String(format: "%02d:%02d", Int(parts.tm_hour), Int(parts.tm_min))
    }
}
