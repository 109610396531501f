import GreencapCore

/// Recorded hours played back on an accelerated clock: the demo's and the test bench's grid feed.
///
/// Simulated time = start + wall time elapsed × speed. Looping restarts at the first record, so a long
/// run never runs out of data; each pass is reported as a new lap.
public struct ReplayFeed: Sendable {
    public struct Hour: Sendable, Equatable {
        public var record: FeedRecord
        public var score: Double
        /// How many times the file has been played through before this hour.
        public var lap: Int
    }

    public let records: [FeedRecord]
    public let scores: [Double]
    public let speed: Int64
    public let loop: Bool
    let startIndex: Int

    /// `startUTC` picks the first hour to play (the record containing it); nil plays from the first record.
    public init(records: [FeedRecord], scorer: GreenScorer = GreenScorer(), speed: Int64, startUTC: Int64?, loop: Bool) throws(ReplayError) {
        guard let first = records.first, let last = records.last else { throw .empty }
        self.records = records
        self.scores = scorer.scores(records)
        self.speed = max(1, speed)
        self.loop = loop
        if let startUTC {
            guard startUTC >= first.startUTC, startUTC < last.startUTC + 3600 else {
                throw .startOutsideData(start: startUTC, first: first.startUTC, last: last.startUTC)
            }
            startIndex = Int((startUTC - first.startUTC) / 3600)
        } else {
            startIndex = 0
        }
    }

    /// The number of hours fully or partly played after `elapsedSeconds` of wall time (at least 1).
    public func hoursPlayed(afterWallSeconds elapsedSeconds: Double) -> Int {
        Int((elapsedSeconds * Double(speed) / 3600).rounded(.down)) + 1
    }

    /// The n-th hour played (0-based), or nil when the file is exhausted and looping is off.
    public func hour(_ n: Int) -> Hour? {
        let absolute = startIndex + n
        if !loop && absolute >= records.count { return nil }
        let index = absolute % records.count
        return Hour(record: records[index], score: scores[index], lap: absolute / records.count)
    }

    /// Up to `limit` recorded hours just before the replay's first hour, oldest first: what a replay presented
    /// as the present (`ReplayTimeline`) has on record when it starts, as a live feed would after weeks.
    public func hoursBeforeStart(limit: Int) -> [Hour] {
        let first = max(0, startIndex - max(0, limit))
        return (first..<startIndex).map { Hour(record: records[$0], score: scores[$0], lap: 0) }
    }

    /// Simulated instant (Unix seconds) after `elapsedSeconds` of wall time, within the current lap.
    public func simulatedTime(afterWallSeconds elapsedSeconds: Double) -> Int64? {
        let played = elapsedSeconds * Double(speed)
        guard let hour = hour(Int(played / 3600)) else { return nil }
        return hour.record.startUTC + Int64(played.truncatingRemainder(dividingBy: 3600))
    }
}

public enum ReplayError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case startOutsideData(start: Int64, first: Int64, last: Int64)

    public var description: String {
        switch self {
        case .empty:
            "the replay file has no records"
        case .startOutsideData(let start, let first, let last):
            "replay start \(Timestamp.format(start)) KST is outside the file's data (\(Timestamp.format(first)) to \(Timestamp.format(last + 3600)) KST)"
        }
    }
}
