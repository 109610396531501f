import GreencapCore

/// One forecast hour: the expected green score and what it rests on.
public struct ForecastHour: Sendable, Equatable {
    public var startUTC: Int64
    /// Expected green score: p × 1 + (1 − p) × the hour's usual supply score.
    public var score: Double
    /// Probability of curtailment; nil where the model cannot say (no curtailment history for the region).
    public var curtailmentProbability: Double?
    /// The hour's usual supply score (same hour of day over the last `baselineDays` on record).
    public var supplyScore: Double
    /// Curtailment probability at or above the threshold: a predicted green hour, shown as "possible".
    public var curtailment: CurtailmentState

    public init(startUTC: Int64, score: Double, curtailmentProbability: Double?, supplyScore: Double, curtailment: CurtailmentState) {
        self.startUTC = startUTC
        self.score = score
        self.curtailmentProbability = curtailmentProbability
        self.supplyScore = supplyScore
        self.curtailment = curtailment
    }
}

public struct GreenForecast: Sendable, Equatable {
    public var region: String
    public var issuedUTC: Int64
    /// Start of the last hour on record when issued: the forecast knows nothing after it.
    public var dataThroughUTC: Int64
    public var hours: [ForecastHour]
}

/// Forecasts the green score for the next hours (48 by default) from history alone: curtailment models for
/// lead times up to 6, 24 and 48 hours (`CurtailmentModel`, each fed only what is on record `lag` hours
/// before its target), and the usual supply score of the hour of day. Nothing after the issue time is read:
/// the history given is cut at the issue hour.
public struct GreenForecaster: Sendable {
    public static let maxHorizonHours = 48
    /// Chosen on the Jeju 2019–2022 backtest, where F1 is flat (0.40–0.41) from 0.15 to 0.30; see
    /// docs/green-score.md.
    public static let defaultThreshold = 0.25
    static let lags = [6, 24, 48]

    public var threshold: Double
    public var baselineDays: Int
    public var scorer: GreenScorer

    public init(threshold: Double = defaultThreshold, baselineDays: Int = 14, scorer: GreenScorer = GreenScorer()) {
        self.threshold = threshold
        self.baselineDays = max(1, baselineDays)
        self.scorer = scorer
    }

    /// The forecast issued at `issuedUTC` from `history`, of which only hours starting before the issue
    /// hour are used: a fit and a forecast in one.
    public func forecast(history: GridHistory, issuedUTC: Int64, hours: Int = maxHorizonHours) throws(ForecastError) -> GreenForecast {
        try forecast(history: history, issuedUTC: issuedUTC, hours: hours, model: fit(history: history, issuedUTC: issuedUTC))
    }

    /// Fits the curtailment models on what is on record before `issuedUTC`. Costly (a regression over the
    /// history per lead time), so a service refits daily and reuses the fit for each hourly issue.
    public func fit(history full: GridHistory, issuedUTC: Int64) throws(ForecastError) -> GreenForecastModel {
        let known = try knownHours(full, issuedUTC: issuedUTC)
        let history = full.truncated(toKnown: known, future: 0)
        var models: [FittedCurtailmentModel] = []
        for lag in Self.lags {
            var model = CurtailmentModel(history: history, lag: lag)
            model.fit(history: history, knownThrough: known - 1)
            if let fitted = model.fitted { models.append(fitted) }
        }
        return GreenForecastModel(region: full.region, fittedThroughUTC: history.startUTC(known - 1), models: models)
    }

    /// The forecast issued at `issuedUTC` with a fit made at or before it.
    public func forecast(history full: GridHistory, issuedUTC: Int64, hours: Int, model: GreenForecastModel) throws(ForecastError) -> GreenForecast {
        let horizon = min(max(1, hours), Self.maxHorizonHours)
        let known = try knownHours(full, issuedUTC: issuedUTC)
        let history = full.truncated(toKnown: known, future: horizon)
        guard model.fittedThroughUTC <= history.startUTC(known - 1) else {
            throw .fitAfterIssue(fitted: model.fittedThroughUTC, issued: issuedUTC)
        }
        let last = known - 1
        let days = DayLedger(history: history)
        // The supply score's trailing window plus the baseline days is all the usual-supply figure reads.
        let recent = max(0, known - (scorer.windowHours + baselineDays * 24))
        let supply = scorer.supplyScores(Array(history.renewableMW[recent..<known]))
        var forecastHours: [ForecastHour] = []
        forecastHours.reserveCapacity(horizon)
        for target in known..<(known + horizon) {
            let lead = target - last
            let probability = model.models.first { $0.lag >= lead }.flatMap { $0.probability(history: history, days: days, target: target) }
            let usual = usualSupply(supply, offset: recent, history: history, last: last, hourOfDay: history.hourOfDay[target])
            let p = probability ?? 0
            forecastHours.append(
                ForecastHour(
                    startUTC: history.startUTC(target), score: p + (1 - p) * usual, curtailmentProbability: probability,
                    supplyScore: usual, curtailment: probability.map { $0 >= threshold ? .possible : .none } ?? .unknown))
        }
        return GreenForecast(region: full.region, issuedUTC: issuedUTC, dataThroughUTC: history.startUTC(last), hours: forecastHours)
    }

    private func knownHours(_ history: GridHistory, issuedUTC: Int64) throws(ForecastError) -> Int {
        let known = min(history.knownCount, max(0, history.index(of: issuedUTC)))
        guard known >= 24 else { throw .tooLittleHistory(region: history.region, hours: known) }
        return known
    }

    /// Mean supply score of the same hour of day over the last `baselineDays` days on record.
    private func usualSupply(_ supply: [Double], offset: Int, history: GridHistory, last: Int, hourOfDay: Int8) -> Double {
        var index = last
        while index >= offset, history.hourOfDay[index] != hourOfDay { index -= 1 }
        var sum = 0.0
        var count = 0
        while index >= offset, count < baselineDays {
            if !history.renewableMW[index].isNaN {
                sum += supply[index - offset]
                count += 1
            }
            index -= 24
        }
        return count > 0 ? sum / Double(count) : 0
    }
}

/// Curtailment models fitted on what was on record through `fittedThroughUTC` (an hour start).
public struct GreenForecastModel: Sendable {
    public var region: String
    public var fittedThroughUTC: Int64
    public var models: [FittedCurtailmentModel]
}

public enum ForecastError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooLittleHistory(region: String, hours: Int)
    case fitAfterIssue(fitted: Int64, issued: Int64)

    public var description: String {
        switch self {
        case .tooLittleHistory(let region, let hours):
            "\(region): \(hours) hour(s) on record before the issue time; a forecast needs at least a day of history"
        case .fitAfterIssue(let fitted, let issued):
            "the model was fitted on data through \(Timestamp.format(fitted)) KST, after the issue time \(Timestamp.format(issued)) KST: refit"
        }
    }
}
