#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The probability that a target hour is curtailed, predicted from what was on record `lag` hours before
/// it: a logistic regression over `CurtailmentFeatures`, refitted on every hour whose outcome was known at
/// the fit. Hours outside the curtailment window of the day get no probability (0): almost no curtailment
/// has been recorded there, and fitting them would only teach the model that nights are not green.
public struct CurtailmentModel: Sendable {
    /// Hours of the KST day (start hour, 0...23) the model speaks about: trade hours 8–19.
    public static let modelledHours: ClosedRange<Int8> = 7...18

    public let lag: Int
    private var features: CurtailmentFeatures
    private var regression: LogisticRegression?
    private var profile: [Double] = []
    /// How many labelled hours the last fit used.
    public private(set) var trainedHours = 0

    public init(history: GridHistory, lag: Int) {
        self.lag = max(1, lag)
        features = CurtailmentFeatures(history: history, lag: self.lag)
    }

    /// Refits on every modelled hour up to and including `knownThrough` with a known outcome.
    public mutating func fit(history: GridHistory, knownThrough: Int) {
        let end = min(knownThrough, history.knownCount - 1)
        var curtailedAt = [Double](repeating: 0.5, count: 24)
        var knownAt = [Double](repeating: 1, count: 24)
        var rows: [Int] = []
        var labels: [Double] = []
        if end >= 0 {
            for hour in 0...end where history.label[hour] >= 0 {
                let hourOfDay = Int(history.hourOfDay[hour])
                knownAt[hourOfDay] += 1
                curtailedAt[hourOfDay] += Double(history.label[hour])
                guard features.usable[hour], Self.modelledHours.contains(history.hourOfDay[hour]) else { continue }
                rows.append(hour)
                labels.append(Double(history.label[hour]))
            }
        }
        trainedHours = rows.count
        // A model needs both outcomes to learn anything; without them it predicts nothing.
        guard labels.contains(1), labels.contains(0) else {
            regression = nil
            return
        }
        profile = (0..<24).map { log(curtailedAt[$0] / knownAt[$0]) }
        features.setProfile(profile, hourOfDay: history.hourOfDay)
        regression = LogisticRegression.fit(table: features.table, width: CurtailmentFeatures.width, rows: rows, labels: labels)
    }

    /// Whether a fit found both outcomes to learn from.
    public var isFitted: Bool { regression != nil }

    /// The fit alone, without the training table: what a forecaster keeps between hourly issues.
    public var fitted: FittedCurtailmentModel? {
        regression.map { FittedCurtailmentModel(lag: lag, regression: $0, profile: profile) }
    }

    /// Probability that `target` is curtailed; nil when the model cannot say (not fitted, or too little on
    /// record before the hour), 0 outside the modelled hours.
    public func probability(history: GridHistory, target: Int) -> Double? {
        guard let regression, target >= 0, target < history.count, features.usable[target] else { return nil }
        guard Self.modelledHours.contains(history.hourOfDay[target]) else { return 0 }
        return features.table.withUnsafeBufferPointer { table in
            regression.probability(UnsafeBufferPointer(rebasing: table[(target * CurtailmentFeatures.width)...]))
        }
    }
}

/// A fitted curtailment model: predicts hours from their features computed on demand, so an hourly
/// forecast costs a few dozen rows rather than the whole history's table.
public struct FittedCurtailmentModel: Sendable {
    public let lag: Int
    let regression: LogisticRegression
    let profile: [Double]

    /// As `CurtailmentModel.probability`; `days` is the ledger of `history`.
    func probability(history: GridHistory, days: DayLedger, target: Int) -> Double? {
        guard target >= 0, target < history.count else { return nil }
        guard CurtailmentModel.modelledHours.contains(history.hourOfDay[target]) else { return 0 }
        var row = [Double](repeating: 0, count: CurtailmentFeatures.width)
        var seasonal = CurtailmentFeatures.SeasonalCache()
        let usable = row.withUnsafeMutableBufferPointer { row in
            CurtailmentFeatures.row(target: target, lag: lag, history: history, days: days, seasonal: &seasonal, into: row, at: 0)
        }
        guard usable else { return nil }
        row[CurtailmentFeatures.profileSlot] = profile[Int(history.hourOfDay[target])]
        return row.withUnsafeBufferPointer { regression.probability($0) }
    }
}
