/// What one class lost: how many records were thinned or dropped, and the span they came from.
public struct LossTally: Sendable, Hashable {
    public var thinned: UInt64 = 0
    public var dropped: UInt64 = 0
    /// Earliest and latest record time among the lost records (ms since the epoch); nil when nothing was lost.
    public var firstTime: Int64?
    public var lastTime: Int64?
    /// Lowest and highest sequence among them; nil when only records that never got one (refused appends) were lost.
    public var firstSequence: UInt64?
    public var lastSequence: UInt64?

    public init() {}

    public var isEmpty: Bool { thinned == 0 && dropped == 0 }

    mutating func count(thinned: Bool, time: Int64, sequence: UInt64?) {
        if thinned { self.thinned += 1 } else { dropped += 1 }
        firstTime = min(firstTime ?? time, time)
        lastTime = max(lastTime ?? time, time)
        if let sequence {
            firstSequence = min(firstSequence ?? sequence, sequence)
            lastSequence = max(lastSequence ?? sequence, sequence)
        }
    }

    mutating func merge(_ other: LossTally) {
        thinned += other.thinned
        dropped += other.dropped
        firstTime = Self.pick(firstTime, other.firstTime, min)
        lastTime = Self.pick(lastTime, other.lastTime, max)
        firstSequence = Self.pick(firstSequence, other.firstSequence, min)
        lastSequence = Self.pick(lastSequence, other.lastSequence, max)
    }

    private static func pick<T>(_ a: T?, _ b: T?, _ choose: (T, T) -> T) -> T? {
        guard let a else { return b }
        guard let b else { return a }
        return choose(a, b)
    }
}

/// Everything the spool gave up since the last confirmed report. The uplink sends it as an event (for example
/// `WireEvent.spoolLoss`) and then calls `confirmLossReport(id)`; until then it survives restarts.
public struct LossReport: Sendable, Hashable {
    /// Names this report for `confirmLossReport`.
    public var id: UInt64
    public var samples = LossTally()
    public var events = LossTally()
    public var audit = LossTally()
    /// Damaged stretches of segment files that were cut out (their records are gone; their classes unknown).
    public var corruptedRegions: UInt64 = 0
    public var corruptedBytes: UInt64 = 0

    public init(id: UInt64) { self.id = id }

    public subscript(recordClass: SpoolClass) -> LossTally {
        get {
            switch recordClass {
            case .samples: samples
            case .events: events
            case .audit: audit
            }
        }
        set {
            switch recordClass {
            case .samples: samples = newValue
            case .events: events = newValue
            case .audit: audit = newValue
            }
        }
    }

    public var isEmpty: Bool { samples.isEmpty && events.isEmpty && audit.isEmpty && corruptedRegions == 0 }

    mutating func merge(_ other: LossReport) {
        for recordClass in SpoolClass.allCases { self[recordClass].merge(other[recordClass]) }
        corruptedRegions += other.corruptedRegions
        corruptedBytes += other.corruptedBytes
    }
}
