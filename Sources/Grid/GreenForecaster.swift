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
    /// hour are used.
    public func forecast(history full: GridHistory, issuedUTC: Int64, hours: Int = maxHorizonHours) throws(ForecastError) -> GreenForecast {
        let horizon = min(max(1, hours), Self.maxHorizonHours)
        let known = min(full.knownCount, max(0, full.index(of: issuedUTC)))
        guard known >= 24 else { throw .tooLittleHistory(region: full.region, hours: known) }
        let history = full.truncated(toKnown: known, future: horizon)
        let last = known - 1
        var models: [CurtailmentModel] = []
        for lag in Self.lags {
            var model = CurtailmentModel(history: history, lag: lag)
            model.fit(history: history, knownThrough: last)
            models.append(model)
        }
        let supply = scorer.supplyScores(Array(history.renewableMW[0..<known]))
        var forecastHours: [ForecastHour] = []
        for target in known..<(known + horizon) {
            let lead = target - last
            let model = models.first { $0.lag >= lead && $0.isFitted }
            let probability = model.flatMap { $0.probability(history: history, target: target) }
            let usual = usualSupply(supply, history: history, last: last, hourOfDay: history.hourOfDay[target])
            let p = probability ?? 0
            forecastHours.append(
                ForecastHour(
                    startUTC: history.startUTC(target), score: p + (1 - p) * usual, curtailmentProbability: probability,
                    supplyScore: usual, curtailment: probability.map { $0 >= threshold ? .possible : .none } ?? .unknown))
        }
        return GreenForecast(region: full.region, issuedUTC: issuedUTC, dataThroughUTC: history.startUTC(last), hours: forecastHours)
    }

    /// Mean supply score of the same hour of day over the last `baselineDays` days on record.
    private func usualSupply(_ supply: [Double], history: GridHistory, last: Int, hourOfDay: Int8) -> Double {
        var index = last
        while index >= 0, history.hourOfDay[index] != hourOfDay { index -= 1 }
        var sum = 0.0
        var count = 0
        while index >= 0, count < baselineDays {
            if !history.renewableMW[index].isNaN {
                sum += supply[index]
                count += 1
            }
            index -= 24
        }
        return count > 0 ? sum / Double(count) : 0
    }
}

public enum ForecastError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooLittleHistory(region: String, hours: Int)

    public var description: String {
        switch self {
        case .tooLittleHistory(let region, let hours):
            "\(region): \(hours) hour(s) on record before the issue time; a forecast needs at least a day of history"
        }
    }
}
