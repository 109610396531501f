/// The green score of an hour: how abundant renewable supply is, from 0 (none) to 1 (as high as it gets).
///
/// Score = (solar + wind) / the 95th percentile of hourly (solar + wind) over the trailing window (default
/// 28 days, the hour itself included), clamped to 0…1. Relative to recent history rather than nameplate
/// capacity, so it follows the season and the region's growing fleet without retuning. The forecaster and
/// curtailment-aware scoring of the grid-feed work refine this; the definition here is the baseline.
public struct GreenScorer: Sendable {
    public var windowHours: Int
    public var percentile: Double

    public init(windowHours: Int = 28 * 24, percentile: Double = 0.95) {
        self.windowHours = max(1, windowHours)
        self.percentile = min(max(percentile, 0), 1)
    }

    /// Scores for consecutive hourly records, in order.
    public func scores(_ records: [FeedRecord]) -> [Double] {
        var window: [Double] = []  // sorted values of the trailing window
        window.reserveCapacity(windowHours + 1)
        var scores: [Double] = []
        scores.reserveCapacity(records.count)
        for (index, record) in records.enumerated() {
            window.insert(record.renewableMW, at: insertionIndex(window, record.renewableMW))
            if index >= windowHours {
                let leaving = records[index - windowHours].renewableMW
                window.remove(at: insertionIndex(window, leaving, first: true))
            }
            let rank = Int((Double(window.count - 1) * percentile).rounded())
            let reference = window[rank]
            scores.append(reference > 0 ? min(max(record.renewableMW / reference, 0), 1) : 0)
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
