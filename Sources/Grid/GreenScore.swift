/// The green score of an interval, 0...1: how much the grid wants load now. See docs/green-score.md.
///
/// - Curtailment scheduled or active (KPX is ordering renewables off): 1.0, true surplus.
/// - Otherwise `supplyCeiling` × (solar + wind) / the `percentile` of hourly solar + wind over the trailing
///   window (default 28 days, the hour itself included), clamped: relative to recent history rather than
///   nameplate capacity, so it follows the season and a growing fleet without retuning. The ceiling (0.8)
///   keeps "plenty of sun" below "KPX is throwing energy away".
/// - Curtailment possible (a forecast or D-1 notice): + `possibleBonus`, still below 1.
public struct GreenScorer: Sendable {
    public var windowHours: Int
    public var percentile: Double
    public var supplyCeiling: Double
    public var possibleBonus: Double

    public init(windowHours: Int = 28 * 24, percentile: Double = 0.95, supplyCeiling: Double = 0.8, possibleBonus: Double = 0.1) {
        self.windowHours = max(1, windowHours)
        self.percentile = min(max(percentile, 0), 1)
        self.supplyCeiling = min(max(supplyCeiling, 0), 1)
        self.possibleBonus = min(max(possibleBonus, 0), 1)
    }

    /// Scores for consecutive hourly records, in order.
    public func scores(_ records: [FeedRecord]) -> [Double] {
        let supply = supplyScores(records.map(\.renewableMW))
        return zip(records, supply).map { record, supply in score(supply: supply, curtailment: record.curtailment.state) }
    }

    /// The final score from the supply part and the hour's curtailment state.
    public func score(supply: Double, curtailment: CurtailmentState) -> Double {
        switch curtailment {
        case .active, .scheduled: 1
        case .possible: min(1, supply + possibleBonus)
        case .none, .unknown: supply
        }
    }

    /// The supply part (0...supplyCeiling) for consecutive hourly renewable MW; NaN counts as no supply.
    public func supplyScores(_ renewableMW: [Double]) -> [Double] {
        var window: [Double] = []  // sorted values of the trailing window
        window.reserveCapacity(windowHours + 1)
        var scores: [Double] = []
        scores.reserveCapacity(renewableMW.count)
        for (index, raw) in renewableMW.enumerated() {
            let value = raw.isNaN ? 0 : raw
            window.insert(value, at: insertionIndex(window, value))
            if index >= windowHours {
                let leavingRaw = renewableMW[index - windowHours]
                window.remove(at: insertionIndex(window, leavingRaw.isNaN ? 0 : leavingRaw, first: true))
            }
            let rank = Int((Double(window.count - 1) * percentile).rounded())
            let reference = window[rank]
            scores.append(reference > 0 ? supplyCeiling * min(max(value / reference, 0), 1) : 0)
        }
        return scores
    }

    private func insertionIndex(_ sorted: [Double], _ value: Double, first: Bool = false) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < value || (!first && sorted[middle] == value) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }
}

/// A green score as a consumer receives it: the number, what it is about, and how old and trustworthy it is.
public struct GreenSignal: Sendable, Equatable {
    public var score: Double
    /// Start of the interval the score is about, Unix seconds (UTC).
    public var intervalStartUTC: Int64
    public var kind: FeedRecordKind
    public var quality: FeedQuality
    /// When the figures behind it were published or issued.
    public var asOfUTC: Int64

    public init(score: Double, intervalStartUTC: Int64, kind: FeedRecordKind, quality: FeedQuality, asOfUTC: Int64) {
        self.score = score
        self.intervalStartUTC = intervalStartUTC
        self.kind = kind
        self.quality = quality
        self.asOfUTC = asOfUTC
    }

    public func ageSeconds(now: Int64) -> Int64 { max(0, now - asOfUTC) }

    /// The signal as seen at `now`: past `staleAfterSeconds` its quality says stale, so a consumer (the
    /// controller) falls back to its safe cap instead of trusting an old number.
    public func seen(at now: Int64, staleAfterSeconds: Int64) -> GreenSignal {
        var copy = self
        if ageSeconds(now: now) > staleAfterSeconds { copy.quality = .stale }
        return copy
    }

    public var isUsable: Bool { quality != .stale }
}
