import GreencapCore

/// Precision, recall and F1 of predicted green hours against recorded curtailment.
public struct DetectionScore: Sendable, Equatable {
    public var truePositives = 0
    public var falsePositives = 0
    public var falseNegatives = 0

    public init() {}

    mutating func count(predicted: Bool, actual: Bool) {
        switch (predicted, actual) {
        case (true, true): truePositives += 1
        case (true, false): falsePositives += 1
        case (false, true): falseNegatives += 1
        case (false, false): break
        }
    }

    public var precision: Double {
        truePositives + falsePositives == 0 ? 0 : Double(truePositives) / Double(truePositives + falsePositives)
    }
    public var recall: Double {
        truePositives + falseNegatives == 0 ? 0 : Double(truePositives) / Double(truePositives + falseNegatives)
    }
    public var f1: Double {
        let denominator = 2 * truePositives + falsePositives + falseNegatives
        return denominator == 0 ? 0 : Double(2 * truePositives) / Double(denominator)
    }
}

public struct BacktestResult: Sendable, Equatable {
    public var model = DetectionScore()
    /// Same hour yesterday (or the most recent day on record at the horizon): renewables ≥ 40 % of demand.
    public var persistence = DetectionScore()
    /// The hour's own renewables ≥ 40 % of demand: not a forecast, the ceiling a share rule reaches.
    public var nowcast = DetectionScore()
    /// Hours scored: in range with a known outcome.
    public var hours = 0
    /// Of those, curtailed.
    public var curtailedHours = 0
    /// Model refits during the replay.
    public var fits = 0
}

/// Replays history hour by hour: for each target hour T in range, the model is given only what was on
/// record at T − horizon (refitted every `refitDays` on the outcomes known then) and predicts whether T is
/// curtailed; the two share baselines are scored on the same hours.
public struct GreenBacktest: Sendable {
    public var horizonHours: Int
    /// Curtailment probability at or above which an hour is predicted green.
    public var threshold: Double
    public var refitDays: Int
    /// The baselines' renewable-share rule.
    public var shareThreshold: Double

    public init(horizonHours: Int = 24, threshold: Double = GreenForecaster.defaultThreshold, refitDays: Int = 7, shareThreshold: Double = 0.4) {
        self.horizonHours = horizonHours
        self.threshold = threshold
        self.refitDays = max(1, refitDays)
        self.shareThreshold = shareThreshold
    }

    /// Scores the hours starting in `fromUTC ..< toUTC`.
    public func run(history: GridHistory, fromUTC: Int64, toUTC: Int64) throws(BacktestError) -> BacktestResult {
        guard (1...GreenForecaster.maxHorizonHours).contains(horizonHours) else { throw .horizon(horizonHours) }
        let first = max(0, history.index(of: fromUTC))
        let end = min(history.knownCount, history.index(of: toUTC))
        guard first < end else {
            throw .outsideData(
                from: fromUTC, to: toUTC, first: history.firstStartUTC,
                last: history.startUTC(max(0, history.knownCount - 1)))
        }
        var model = CurtailmentModel(history: history, lag: horizonHours)
        let persistenceBack = GridHistory.sameHourBack(lag: horizonHours)
        var result = BacktestResult()
        var fittedOnDay: Int64?
        for target in first..<end where history.label[target] >= 0 {
            let actual = history.label[target] == 1
            let issued = target - horizonHours
            if issued >= 0 {
                let day = history.day[issued]
                if fittedOnDay.map({ day - $0 >= Int64(refitDays) }) ?? true {
                    model.fit(history: history, knownThrough: issued)
                    fittedOnDay = day
                    result.fits += 1
                }
            }
            let probability = model.probability(history: history, target: target) ?? 0
            result.model.count(predicted: probability >= threshold, actual: actual)
            let yesterday = target - persistenceBack
            result.persistence.count(predicted: yesterday >= 0 && history.share[yesterday] >= shareThreshold, actual: actual)
            result.nowcast.count(predicted: history.share[target] >= shareThreshold, actual: actual)
            result.hours += 1
            if actual { result.curtailedHours += 1 }
        }
        guard result.hours > 0 else { throw .noOutcomes(from: fromUTC, to: toUTC) }
        return result
    }
}

public enum BacktestError: Error, Sendable, Equatable, CustomStringConvertible {
    case horizon(Int)
    case outsideData(from: Int64, to: Int64, first: Int64, last: Int64)
    case noOutcomes(from: Int64, to: Int64)

    public var description: String {
        switch self {
        case .horizon(let hours):
            "horizon \(hours) h is outside 1...\(GreenForecaster.maxHorizonHours) h"
        case .outsideData(let from, let to, let first, let last):
            "the range \(Timestamp.format(from)) to \(Timestamp.format(to)) KST has no data; the files cover \(Timestamp.format(first)) to \(Timestamp.format(last + 3600)) KST"
        case .noOutcomes(let from, let to):
            "no hour from \(Timestamp.format(from)) to \(Timestamp.format(to)) KST has a known curtailment outcome: add the curtailment records (data.go.kr 15108268) for that period to the data directory"
        }
    }
}
