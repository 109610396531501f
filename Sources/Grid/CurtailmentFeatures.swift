#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the curtailment model sees about a target hour T when the latest hour on record is T − lag: the
/// last 24 hours on record, the same hour of the most recent day on record, recent and seasonal curtailment
/// rates, and T's calendar. Computed once per history and lag, then read by every fit and forecast.
struct CurtailmentFeatures: Sendable {
    /// Bias, 11 features, and a slot for the hour-of-day profile that each fit fills in.
    static let width = 13
    static let profileSlot = 12
    /// Curtailment days within this many days of the target's day of year feed the seasonal rate.
    static let seasonHalfWidth = 15

    let lag: Int
    /// Row-major, `width` values per hour of the history; rows of unusable hours are zero.
    private(set) var table: [Double]
    /// The hour has a full 24-hour window on record before it (T − lag − 23 ≥ 0).
    private(set) var usable: [Bool]

    init(history: GridHistory, lag: Int) {
        self.lag = lag
        let count = history.count
        table = [Double](repeating: 0, count: count * Self.width)
        usable = [Bool](repeating: false, count: count)
        let days = DayLedger(history: history)
        var seasonal = SeasonalCache()
        table.withUnsafeMutableBufferPointer { table in
            for target in 0..<count {
                usable[target] = Self.row(target: target, lag: lag, history: history, days: days, seasonal: &seasonal, into: table, at: target * Self.width)
            }
        }
    }

    /// The last seasonal rate computed: neighbouring hours share both days, so the O(days) scan runs
    /// about once per day.
    struct SeasonalCache {
        var knownDay: Int64 = -1
        var dayOfYear = -1
        var rate = 0.0
    }

    /// Writes the features of `target` (all but the profile slot) at `offset`; false when the hour has no
    /// full 24-hour window on record `lag` hours before it.
    static func row(
        target: Int, lag: Int, history: GridHistory, days: DayLedger, seasonal: inout SeasonalCache,
        into table: UnsafeMutableBufferPointer<Double>, at row: Int
    ) -> Bool {
        let last = target - lag
        guard last >= 23, last < history.knownCount, target < history.count else { return false }
        var peak = -Double.infinity
        var curtailedInWindow = 0.0
        for hour in (last - 23)...last {
            let share = history.share[hour]
            if !share.isNaN { peak = max(peak, share) }
            if history.label[hour] == 1 { curtailedInWindow = 1 }
        }
        let sameHour = target - GridHistory.sameHourBack(lag: lag)
        let sameHourShare = history.share[sameHour]
        let knownDay = history.day[last] - days.firstDay  // days before this one are complete
        let targetDay = history.day[target]
        let dayOfYear = KoreanCalendar.dayOfYear(targetDay)
        if seasonal.knownDay != knownDay || seasonal.dayOfYear != dayOfYear {
            seasonal = SeasonalCache(
                knownDay: knownDay, dayOfYear: dayOfYear,
                rate: days.seasonalRate(before: Int(knownDay), dayOfYear: dayOfYear, halfWidth: seasonHalfWidth))
        }
        let angle = 2 * Double.pi * Double(dayOfYear) / 365.25
        table[row + 0] = 1
        table[row + 1] = peak.isFinite ? peak : 0
        table[row + 2] = peak.isFinite ? 1 : 0
        table[row + 3] = sameHourShare.isNaN ? 0 : sameHourShare
        table[row + 4] = curtailedInWindow
        table[row + 5] = history.label[sameHour] == 1 ? 1 : 0
        table[row + 6] = days.curtailedRate(before: Int(knownDay), days: 7)
        table[row + 7] = days.curtailedRate(before: Int(knownDay), days: 28)
        table[row + 8] = seasonal.rate
        table[row + 9] = KoreanCalendar.isDayOff(targetDay) ? 1 : 0
        table[row + 10] = cos(angle)
        table[row + 11] = sin(angle)
        return true
    }

    /// Puts the fitted hour-of-day profile into each row's profile slot.
    mutating func setProfile(_ logOdds: [Double], hourOfDay: [Int8]) {
        for target in usable.indices where usable[target] {
            table[target * Self.width + Self.profileSlot] = logOdds[Int(hourOfDay[target])]
        }
    }
}

/// Curtailment per KST day: a day is curtailed when any of its hours is, clear when all its known hours are
/// not and at least one is known. Prefix sums make "rate over the last n days" O(1).
struct DayLedger: Sendable {
    let firstDay: Int64
    /// Per day: 1 curtailed, 0 clear, −1 unknown.
    let state: [Int8]
    private let curtailedPrefix: [Int]
    private let knownPrefix: [Int]
    /// Day of year (1...366) of each day.
    private let dayOfYear: [Int]

    init(history: GridHistory) {
        let firstDay = history.day.first ?? 0
        let dayCount = history.day.last.map { Int($0 - firstDay) + 1 } ?? 0
        var state = [Int8](repeating: -1, count: dayCount)
        for hour in 0..<history.knownCount {
            let day = Int(history.day[hour] - firstDay)
            switch history.label[hour] {
            case 1: state[day] = 1
            case 0 where state[day] == -1: state[day] = 0
            default: break
            }
        }
        var curtailedPrefix = [0]
        var knownPrefix = [0]
        for day in 0..<dayCount {
            curtailedPrefix.append(curtailedPrefix[day] + (state[day] == 1 ? 1 : 0))
            knownPrefix.append(knownPrefix[day] + (state[day] >= 0 ? 1 : 0))
        }
        self.firstDay = firstDay
        self.state = state
        self.curtailedPrefix = curtailedPrefix
        self.knownPrefix = knownPrefix
        dayOfYear = (0..<dayCount).map { KoreanCalendar.dayOfYear(firstDay + Int64($0)) }
    }

    /// Share of curtailed days among the known ones of the `days` days before `day`; 0 with none known.
    func curtailedRate(before day: Int, days: Int) -> Double {
        let end = max(0, min(day, state.count))
        let start = max(0, end - days)
        let known = knownPrefix[end] - knownPrefix[start]
        return known > 0 ? Double(curtailedPrefix[end] - curtailedPrefix[start]) / Double(known) : 0
    }

    /// Share of curtailed days, among known days before `day`, whose day of year lies within `halfWidth`
    /// of `dayOfYear` in any year: the season's curtailment rate. Smoothed toward 0.2/1 when data is thin.
    func seasonalRate(before day: Int, dayOfYear target: Int, halfWidth: Int) -> Double {
        var curtailed = 0.2
        var known = 1.0
        for index in 0..<max(0, min(day, state.count)) where state[index] >= 0 {
            var distance = abs(dayOfYear[index] - target)
            distance = min(distance, 365 - distance)
            guard distance <= halfWidth else { continue }
            known += 1
            if state[index] == 1 { curtailed += 1 }
        }
        return curtailed / known
    }
}
