/// The site's power budget per hour: from `floorKW` on the least green hours up to `ceilingKW` when the
/// score is 1 (curtailment), linear in between. The same mapping the renewable cap policy applies per node.
public struct SitePowerBudget: Sendable, Equatable {
    public var floorKW: Double
    public var ceilingKW: Double

    public init(floorKW: Double, ceilingKW: Double) {
        self.floorKW = floorKW
        self.ceilingKW = max(floorKW, ceilingKW)
    }

    public func budgetKW(score: Double) -> Double { floorKW + (ceilingKW - floorKW) * min(max(score, 0), 1) }
}

/// One proposed start for a job.
public struct JobWindow: Sendable, Equatable {
    public var startUTC: Int64
    public var hours: Int
    /// Mean expected green score over the job's hours.
    public var meanScore: Double
    /// Expected green score of each hour of the job.
    public var hourlyScores: [Double]
    /// Site power budget of each hour (with a `SitePowerBudget`).
    public var hourlyBudgetKW: [Double]?
}

/// Best start times for a flexible job within a forecast: the highest mean green score over the job's
/// duration, ties to the earliest start. Windows returned do not overlap, so the second choice is a real
/// alternative rather than the first shifted by an hour.
public enum JobWindows {
    public static func best(
        forecast: [ForecastHour], durationHours: Int, count: Int = 3, jobPowerKW: Double? = nil, site: SitePowerBudget? = nil
    ) throws(JobWindowError) -> [JobWindow] {
        guard durationHours >= 1 else { throw .duration(durationHours) }
        guard durationHours <= forecast.count else { throw .longerThanForecast(durationHours: durationHours, forecastHours: forecast.count) }
        let scores = forecast.map(\.score)
        var candidates: [(start: Int, mean: Double)] = []
        var sum = scores[0..<durationHours].reduce(0, +)
        for start in 0...(scores.count - durationHours) {
            if start > 0 { sum += scores[start + durationHours - 1] - scores[start - 1] }
            if let jobPowerKW, let site, (start..<(start + durationHours)).contains(where: { site.budgetKW(score: scores[$0]) < jobPowerKW }) {
                continue
            }
            candidates.append((start, sum / Double(durationHours)))
        }
        guard !candidates.isEmpty else { throw .noWindowFits(jobPowerKW: jobPowerKW ?? 0) }
        // Rounded so that float noise in the running sum cannot break a tie the scores do not contain.
        candidates.sort { a, b in
            let left = (a.mean * 1e9).rounded()
            let right = (b.mean * 1e9).rounded()
            return left != right ? left > right : a.start < b.start
        }
        var chosen: [JobWindow] = []
        for candidate in candidates where chosen.count < max(1, count) {
            let range = candidate.start..<(candidate.start + durationHours)
            let overlaps = chosen.contains { window in
                let first = Int((window.startUTC - forecast[0].startUTC) / 3600)
                return range.overlaps(first..<(first + durationHours))
            }
            guard !overlaps else { continue }
            let hourly = Array(scores[range])
            chosen.append(
                JobWindow(
                    startUTC: forecast[candidate.start].startUTC, hours: durationHours, meanScore: candidate.mean,
                    hourlyScores: hourly, hourlyBudgetKW: site.map { site in hourly.map { site.budgetKW(score: $0) } }))
        }
        return chosen
    }
}

public enum JobWindowError: Error, Sendable, Equatable, CustomStringConvertible {
    case duration(Int)
    case longerThanForecast(durationHours: Int, forecastHours: Int)
    case noWindowFits(jobPowerKW: Double)

    public var description: String {
        switch self {
        case .duration(let hours): "a job lasts at least one hour (got \(hours))"
        case .longerThanForecast(let hours, let forecastHours):
            "the job lasts \(hours) h but the forecast covers \(forecastHours) h: shorten the job or split it"
        case .noWindowFits(let power):
            "no start within the forecast keeps \(power) kW under the site's hourly power budget: lower the job's power or raise the site ceiling"
        }
    }
}
