import Grid

/// `JobWindows.best` assumes one hour after another; stored hours can have gaps (a feed outage), and a job
/// must not be planned across hours nobody knows about. So it runs per gap-free run and the best windows of
/// all runs are merged.
enum JobWindowSearch {
    static func best(hours: [SQLiteStore.GridHour], durationHours: Int, count: Int) throws(APIError) -> [JobWindow] {
        var runs: [[ForecastHour]] = []
        var run: [ForecastHour] = []
        for hour in hours.sorted(by: { $0.startUTC < $1.startUTC }) {
            if let last = run.last, hour.startUTC != last.startUTC + 3600 {
                runs.append(run)
                run = []
            }
            run.append(
                ForecastHour(
                    startUTC: hour.startUTC, score: hour.greenScore, curtailmentProbability: nil, supplyScore: hour.greenScore,
                    curtailment: .none))
        }
        runs.append(run)
        var found: [JobWindow] = []
        for run in runs where run.count >= durationHours {
            do {
                found += try JobWindows.best(forecast: run, durationHours: durationHours, count: count)
            } catch {
                throw APIError(.badRequest, "\(error)", hint: "adjust 'duration' or 'within'")
            }
        }
        // Same order as JobWindows: higher mean first, ties to the earlier start.
        found.sort { a, b in a.meanScore != b.meanScore ? a.meanScore > b.meanScore : a.startUTC < b.startUTC }
        return Array(found.prefix(count))
    }
}
