import GreencapCore
import Grid
import Logging

/// Turns the live feed's readings for `[grid] region` into grid hours with green scores (source "live"), and
/// keeps the score the policies carry current. Without it a live collector would grant no score, and every
/// agent would hold its safe cap for a stale feed.
///
/// Runs after every poll (`GridLiveService`); the hours written are final (`LiveHourRollup`), so a restart
/// goes on from the latest stored hour of the region.
public actor LiveGridHours {
    let store: SQLiteStore
    let rollup: LiveHourRollup
    let scorer: GreenScorer
    let score: CurrentGreenScore
    let logger: Logger
    /// The first hour not rolled up yet; nil until the store said where to start.
    private var next: Int64?

    public init(store: SQLiteStore, region: String, score: CurrentGreenScore, logger: Logger, scorer: GreenScorer = GreenScorer()) {
        self.store = store
        self.rollup = LiveHourRollup(region: region)
        self.scorer = scorer
        self.score = score
        self.logger = logger
    }

    /// Where to go on from, and the score in force: the latest stored hour's.
    public func resume(nowUTC: Int64) async throws(StoreError) {
        let windowStart = nowUTC - Int64(scorer.windowHours) * 3600
        let latest = try await store.latestGridHourPerRegion().first { $0.region == rollup.region }
        if let latest, latest.startUTC >= windowStart {
            next = latest.startUTC + 3600
            if latest.source == Self.source { publish(latest) }
        } else {
            // Nothing recent rolled up (a new store, or one a replay filled with other years): start at the
            // oldest reading within the score's window.
            next = try await store.earliestActualFeedHour(region: rollup.region, fromUTC: windowStart)
        }
    }

    /// Rolls up the hours that became final; returns the hours written.
    @discardableResult
    public func update(nowUTC: Int64) async throws(StoreError) -> [SQLiteStore.GridHour] {
        if next == nil { try await resume(nowUTC: nowUTC) }
        guard let from = next else { return [] }
        let result = rollup.roll(try await store.feedRecords(region: rollup.region, fromUTC: from), fromUTC: from, nowUTC: nowUTC)
        if let first = result.gaps.first, let last = result.gaps.last {
            logger.warning(
                "grid live: hours without enough readings are left out of the green-hour history",
                metadata: [
                    "region": "\(rollup.region)", "hours": "\(result.gaps.count)", "first": "\(Timestamp.format(first.startUTC))",
                    "last": "\(Timestamp.format(last.startUTC))", "best_covered": "\(Int(((result.gaps.map(\.coverage).max() ?? 0) * 100).rounded())) %",
                    "needed": "\(Int(rollup.minimumCoverage * 100)) %",
                ])
        }
        next = result.next
        guard let first = result.hours.first else { return [] }
        // The same score as the replay's and the forecast's: each hour against the trailing window.
        let history = try await store.renewableHistory(
            region: rollup.region, beforeUTC: first.startUTC, limit: scorer.windowHours - 1)
        let supply = scorer.supplyScores(history + result.hours.map(\.renewableMW)).suffix(result.hours.count)
        var written: [SQLiteStore.GridHour] = []
        for (record, supplyScore) in zip(result.hours, supply) {
            let hour = SQLiteStore.GridHour(
                region: record.region, startUTC: record.startUTC, solarMW: record.solarMW, windMW: record.windMW,
                greenScore: scorer.score(supply: supplyScore, curtailment: record.curtailment.state), source: Self.source)
            try await store.record(hour)
            written.append(hour)
        }
        if let latest = written.last {
            publish(latest)
            logger.info(
                "grid hours rolled up from live readings",
                metadata: [
                    "region": "\(rollup.region)", "hours": "\(written.count)", "latest": "\(Timestamp.format(latest.startUTC))",
                    "green_score": "\(latest.greenScore)",
                ])
        }
        return written
    }

    /// The score as of the end of the hour it describes, not of when it was worked out: agents judge the
    /// feed's age by it, so hours rolled up late, after an outage or from a back-log, are not taken as fresh.
    private func publish(_ hour: SQLiteStore.GridHour) {
        score.update(score: hour.greenScore, at: (hour.startUTC + 3600) * 1000)
    }

    public static let source = "live"
}
