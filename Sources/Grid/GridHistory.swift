import GreencapCore

/// A region's hourly history on a gap-free hour grid, with its calendar: what the forecaster and the
/// backtest read. Missing hours stay on the grid as unknown (NaN share, nil label) rather than being closed
/// up, so "the same hour yesterday" is always 24 steps back.
public struct GridHistory: Sendable {
    public let region: String
    /// Start of hour 0, Unix seconds (UTC), on a whole hour.
    public let firstStartUTC: Int64
    /// Renewable share of demand, (solar + wind) / demand; NaN where demand or supply is unknown.
    public private(set) var share: [Double]
    /// Solar + wind, MW; NaN where unknown.
    public private(set) var renewableMW: [Double]
    /// Curtailed (1), not curtailed (0), unknown (−1): see `CurtailmentLabel`.
    public private(set) var label: [Int8]
    /// KST day number of each hour, and the hour of that day (0...23).
    public private(set) var day: [Int64]
    public private(set) var hourOfDay: [Int8]
    /// How many hours hold data; hours after that are calendar only (the future a forecast covers).
    public private(set) var knownCount: Int

    public var count: Int { share.count }

    /// Hourly records of one region, in any order; several records for one hour keep the last one. Sub-hour
    /// records (5-minute feeds) are averaged into their hour.
    public init(region: String, records: [FeedRecord]) {
        let hours = Self.hourly(records.filter { $0.region == region }).map {
            FeedHour(region: region, startUTC: $0.startUTC, solarMW: $0.solarMW, windMW: $0.windMW, demandMW: $0.demandMW, curtailment: $0.curtailment)
        }
        self.init(region: region, hours: hours)
    }

    /// Merged hours of imported files. Hours without supply still carry demand and curtailment outcomes,
    /// which the forecaster learns from (Jeju's curtailment records start years before its generation files).
    public init(region: String, hours: [FeedHour]) {
        self.region = region
        let sorted = hours.filter { $0.region == region }.sorted { $0.startUTC < $1.startUTC }
        let first = sorted.first.map { $0.startUTC.floorDivided(by: 3600) * 3600 } ?? 0
        firstStartUTC = first
        let count = sorted.last.map { Int(($0.startUTC - first).floorDivided(by: 3600)) + 1 } ?? 0
        share = Array(repeating: .nan, count: count)
        renewableMW = Array(repeating: .nan, count: count)
        label = Array(repeating: -1, count: count)
        day = []
        hourOfDay = []
        knownCount = count
        appendCalendar(upTo: count)
        for hour in sorted {
            let index = Int((hour.startUTC - first).floorDivided(by: 3600))
            if hour.solarMW != nil || hour.windMW != nil {
                let renewable = (hour.solarMW ?? 0) + (hour.windMW ?? 0)
                renewableMW[index] = renewable
                if let demand = hour.demandMW, demand > 0 { share[index] = renewable / demand }
            }
            label[index] = CurtailmentLabel.of(hour.curtailment, kstHour: Int(hourOfDay[index])).map { $0 ? 1 : 0 } ?? -1
        }
    }

    /// Index of the hour containing `unixSeconds` (may be negative or past the end).
    public func index(of unixSeconds: Int64) -> Int {
        Int((unixSeconds - firstStartUTC).floorDivided(by: 3600))
    }

    public func startUTC(_ index: Int) -> Int64 { firstStartUTC + Int64(index) * 3600 }

    /// Hours back from a target to the same hour of the most recent day on record when data ends `lag`
    /// hours before the target: 24 for lags up to a day ("yesterday"), 48 up to two days.
    public static func sameHourBack(lag: Int) -> Int { 24 * ((lag + 23) / 24) }

    /// The same history cut at `known` hours, with `future` calendar-only hours after it: what was on
    /// record at an issue time.
    public func truncated(toKnown known: Int, future: Int) -> GridHistory {
        var copy = self
        let kept = max(0, min(known, count))
        copy.share.removeSubrange(kept...)
        copy.renewableMW.removeSubrange(kept...)
        copy.label.removeSubrange(kept...)
        copy.day.removeSubrange(kept...)
        copy.hourOfDay.removeSubrange(kept...)
        copy.knownCount = kept
        copy.extend(by: future)
        return copy
    }

    /// Adds calendar-only hours after the data (the forecast's future).
    public mutating func extend(by hours: Int) {
        guard hours > 0 else { return }
        let target = count + hours
        share.append(contentsOf: repeatElement(.nan, count: hours))
        renewableMW.append(contentsOf: repeatElement(.nan, count: hours))
        label.append(contentsOf: repeatElement(-1, count: hours))
        appendCalendar(upTo: target)
    }

    private mutating func appendCalendar(upTo target: Int) {
        for index in day.count..<target {
            let start = startUTC(index)
            day.append(KoreanCalendar.kstDay(start))
            hourOfDay.append(Int8(KoreanCalendar.kstHour(start)))
        }
    }

    private static func hourly(_ records: [FeedRecord]) -> [FeedRecord] {
        var byHour: [Int64: (record: FeedRecord, parts: Int, solar: Double, wind: Double?, demand: Double?)] = [:]
        for record in records {
            let hour = record.startUTC.floorDivided(by: 3600) * 3600
            guard record.intervalSeconds < 3600 else {
                byHour[hour] = (record, 1, record.solarMW, record.windMW, record.demandMW)
                continue
            }
            var entry = byHour[hour] ?? (record, 0, 0, nil, nil)
            entry.parts += 1
            entry.solar += record.solarMW
            if let wind = record.windMW { entry.wind = (entry.wind ?? 0) + wind }
            if let demand = record.demandMW { entry.demand = (entry.demand ?? 0) + demand }
            if record.curtailment != .unknown { entry.record.curtailment = record.curtailment }
            byHour[hour] = entry
        }
        return byHour.keys.sorted().compactMap { hour in
            guard var entry = byHour[hour] else { return nil }
            if entry.record.intervalSeconds < 3600 {
                let parts = Double(entry.parts)
                entry.record.solarMW = entry.solar / parts
                entry.record.windMW = entry.wind.map { $0 / parts }
                entry.record.demandMW = entry.demand.map { $0 / parts }
                entry.record.intervalSeconds = 3600
            }
            entry.record.startUTC = hour
            return entry.record
        }
    }
}
