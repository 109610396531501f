import GreencapCore

/// Days as Korea's grid sees them: KST dates, weekends and public holidays (demand falls on days off, which
/// is when surplus renewables get curtailed).
public enum KoreanCalendar {
    /// KST day number since 1970-01-01 of a Unix instant.
    public static func kstDay(_ unixSeconds: Int64) -> Int64 {
        (unixSeconds + Timestamp.kstOffsetSeconds).floorDivided(by: 86400)
    }

    /// Hour of the KST day, 0...23 (trade hour − 1).
    public static func kstHour(_ unixSeconds: Int64) -> Int {
        Int((unixSeconds + Timestamp.kstOffsetSeconds - kstDay(unixSeconds) * 86400) / 3600)
    }

    /// Day of the year, 1...366, of a KST day number.
    public static func dayOfYear(_ day: Int64) -> Int {
        let civil = Timestamp.civilFromDays(day)
        return Int(day - Timestamp.daysFromCivil(year: civil.year, month: 1, day: 1)) + 1
    }

    /// Saturday, Sunday or a public holiday.
    public static func isDayOff(_ day: Int64) -> Bool {
        let weekday = ((day + 3) % 7 + 7) % 7  // 1970-01-01 was a Thursday; 0 = Monday
        return weekday >= 5 || holidays.contains(day)
    }

    /// Whether the table covers the year of `day` (outside it only weekends count as days off).
    public static func knowsHolidays(of day: Int64) -> Bool {
        holidayYears.contains(Timestamp.civilFromDays(day).year)
    }

    static let holidayYears: ClosedRange<Int64> = 2017...2026

    /// Public holidays (관공서의 공휴일에 관한 규정) with substitute and one-off holidays (election days,
    /// temporary holidays) as announced for each year, 2017–2026. Fixed-date holidays are added per year below.
    /// Lunar New Year, Buddha's Birthday and Chuseok follow the lunar calendar, hence the table.
    static let movable: [String] = [
        "2017-01-27", "2017-01-28", "2017-01-29", "2017-01-30", "2017-05-03", "2017-05-09", "2017-10-02",
        "2017-10-04", "2017-10-05", "2017-10-06",
        "2018-02-15", "2018-02-16", "2018-02-17", "2018-05-07", "2018-05-22", "2018-06-13", "2018-09-23",
        "2018-09-24", "2018-09-25", "2018-09-26",
        "2019-02-04", "2019-02-05", "2019-02-06", "2019-05-06", "2019-05-12", "2019-09-12", "2019-09-13",
        "2019-09-14",
        "2020-01-24", "2020-01-25", "2020-01-26", "2020-01-27", "2020-04-15", "2020-04-30", "2020-08-17",
        "2020-09-30", "2020-10-01", "2020-10-02",
        "2021-02-11", "2021-02-12", "2021-02-13", "2021-05-19", "2021-08-16", "2021-09-20", "2021-09-21",
        "2021-09-22", "2021-10-04", "2021-10-11",
        "2022-01-31", "2022-02-01", "2022-02-02", "2022-03-09", "2022-05-08", "2022-06-01", "2022-09-09",
        "2022-09-10", "2022-09-11", "2022-09-12", "2022-10-10",
        "2023-01-21", "2023-01-22", "2023-01-23", "2023-01-24", "2023-05-27", "2023-05-29", "2023-09-28",
        "2023-09-29", "2023-09-30", "2023-10-02",
        "2024-02-09", "2024-02-10", "2024-02-11", "2024-02-12", "2024-04-10", "2024-05-06", "2024-05-15",
        "2024-09-16", "2024-09-17", "2024-09-18", "2024-10-01",
        "2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-03-03", "2025-05-06", "2025-06-03",
        "2025-10-05", "2025-10-06", "2025-10-07", "2025-10-08",
        "2026-02-16", "2026-02-17", "2026-02-18", "2026-03-02", "2026-05-24", "2026-05-25", "2026-06-03",
        "2026-08-17", "2026-09-24", "2026-09-25", "2026-09-26", "2026-10-05",
    ]

    static let fixed: [(month: Int64, day: Int64)] = [(1, 1), (3, 1), (5, 5), (6, 6), (8, 15), (10, 3), (10, 9), (12, 25)]

    static let holidays: Set<Int64> = {
        var days = Set<Int64>()
        for year in holidayYears {
            for date in fixed { days.insert(Timestamp.daysFromCivil(year: year, month: date.month, day: date.day)) }
        }
        for text in movable {
            let parts = text.split(separator: "-").compactMap { Int64($0) }
            if parts.count == 3 { days.insert(Timestamp.daysFromCivil(year: parts[0], month: parts[1], day: parts[2])) }
        }
        return days
    }()
}
