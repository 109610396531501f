import GreencapCore

/// Hours for the green score from a live feed's readings of one region: the green score, its history and the
/// forecast work on hours (as the KPX files and the replay do), while live sources deliver 5-minute national
/// or Jeju readings, or hourly records from a Greencap JSON feed.
///
/// An hour is final once one source's readings cover all of it, or `settle` seconds after it ended (the
/// 5-minute feeds are polled about every 16 minutes, so its last readings come late) if they cover at least
/// `minimumCoverage` of it; with less it is a gap — left out, not made up.
public struct LiveHourRollup: Sendable {
    public var region: String
    public var settle: Int64
    public var minimumCoverage: Double

    public init(region: String, settle: Int64 = 1800, minimumCoverage: Double = 0.5) {
        self.region = region
        self.settle = settle
        self.minimumCoverage = minimumCoverage
    }

    public struct Result: Sendable, Equatable {
        /// Final hours in order, one record each (interval 3600, kind actual).
        public var hours: [FeedRecord]
        /// Start of each final hour the readings covered too little of, and the share they covered.
        public var gaps: [Gap]
        /// Where the next roll-up starts: the first hour not yet final.
        public var next: Int64
    }

    public struct Gap: Sendable, Equatable {
        public var startUTC: Int64
        public var coverage: Double
    }

    /// Rolls up the hours from `fromUTC` (an hour start) for which `nowUTC` is late enough. `records` are the
    /// stored readings from `fromUTC` on; other regions, forecasts and intervals longer than an hour are ignored.
    public func roll(_ records: [FeedRecord], fromUTC: Int64, nowUTC: Int64) -> Result {
        var bySlot: [Int64: [String: [FeedRecord]]] = [:]
        for record in records where record.region == region && record.kind == .actual {
            guard record.intervalSeconds > 0, record.intervalSeconds <= 3600 else { continue }
            let hour = record.startUTC.floorDivided(by: 3600) * 3600
            // A reading that runs over the end of its hour belongs to no single hour.
            guard hour >= fromUTC, record.startUTC + record.intervalSeconds <= hour + 3600 else { continue }
            bySlot[hour, default: [:]][record.source, default: []].append(record)
        }
        var result = Result(hours: [], gaps: [], next: fromUTC)
        var hour = fromUTC.floorDivided(by: 3600) * 3600
        while hour + 3600 <= nowUTC {
            let best = (bySlot[hour] ?? [:]).values.map { ($0, Self.coverage($0)) }.max { $0.1 < $1.1 }
            let coverage = best?.1 ?? 0
            guard coverage >= 1 || nowUTC >= hour + 3600 + settle else { break }
            if let readings = best?.0, coverage >= minimumCoverage {
                result.hours.append(Self.hourRecord(readings, region: region, startUTC: hour, coverage: coverage))
            } else {
                result.gaps.append(Gap(startUTC: hour, coverage: coverage))
            }
            hour += 3600
            result.next = hour
        }
        return result
    }

    /// The share of the hour the readings cover (each start counted once).
    static func coverage(_ readings: [FeedRecord]) -> Double {
        var seen = Set<Int64>()
        var seconds: Int64 = 0
        for reading in readings where seen.insert(reading.startUTC).inserted { seconds += reading.intervalSeconds }
        return min(1, Double(seconds) / 3600)
    }

    /// Interval-weighted means; the strongest curtailment any reading reports; `partial` unless every reading
    /// was good and the hour is fully covered.
    static func hourRecord(_ readings: [FeedRecord], region: String, startUTC: Int64, coverage: Double) -> FeedRecord {
        var seen = Set<Int64>()
        let distinct = readings.filter { seen.insert($0.startUTC).inserted }
        func mean(_ value: (FeedRecord) -> Double?) -> Double? {
            let known = distinct.compactMap { record in value(record).map { ($0, Double(record.intervalSeconds)) } }
            guard !known.isEmpty else { return nil }
            return known.reduce(0) { $0 + $1.0 * $1.1 } / known.reduce(0) { $0 + $1.1 }
        }
        let rank: [CurtailmentState] = [.unknown, .none, .possible, .scheduled, .active]
        let curtailment = distinct.map(\.curtailment).max {
            (rank.firstIndex(of: $0.state) ?? 0) < (rank.firstIndex(of: $1.state) ?? 0)
        } ?? .unknown
        let good = coverage >= 1 && distinct.allSatisfy { $0.quality == .good }
        return FeedRecord(
            region: region, startUTC: startUTC, intervalSeconds: 3600, solarMW: mean(\.solarMW) ?? 0,
            windMW: mean(\.windMW), demandMW: mean(\.demandMW), curtailment: curtailment, kind: .actual,
            source: distinct.first?.source ?? "", quality: good ? .good : .partial)
    }
}
