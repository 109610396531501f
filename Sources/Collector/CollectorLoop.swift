import Daemon
import GreencapCore
import Grid
import Logging
import ServiceLifecycle

/// The collector's main loop, once a second: check that the store answers, record the grid hours that
/// became due, then beat the heartbeat. A tick whose store work fails does not beat, so a wedged
/// database stops the watchdog pings.
public struct CollectorLoop: Service {
    let store: SQLiteStore
    let replay: ReplayFeed?
    let region: String
    let heartbeat: Heartbeat
    let notifier: SystemdNotifier
    let logger: Logger
    let period: Duration
    /// The live sources' summary, when `grid.source = "live"`.
    let liveStatus: GridLiveStatus?
    /// What nodes are granted; the loop keeps its rules and green score current.
    let planner: PolicyPlanner?
    /// Set when the replay is presented as the present (`timeline = "now"`): hours fall due by the wall
    /// clock from its anchor, the same one the HTTP API maps times with.
    let timeline: ReplayTimeline?

    public init(
        store: SQLiteStore, replay: ReplayFeed?, region: String, heartbeat: Heartbeat, notifier: SystemdNotifier,
        logger: Logger, period: Duration = .seconds(1), liveStatus: GridLiveStatus? = nil, planner: PolicyPlanner? = nil,
        timeline: ReplayTimeline? = nil
    ) {
        self.timeline = timeline
        self.liveStatus = liveStatus
        self.planner = planner
        self.store = store
        self.replay = replay
        self.region = region
        self.heartbeat = heartbeat
        self.notifier = notifier
        self.logger = logger
        self.period = period
    }

    public func run() async throws {
        let clock = ContinuousClock()
        let started = clock.now
        var ticker = FixedRateTicker()
        var hoursWritten = 0
        var ticks = 0
        var exhausted = false
        var latest: ReplayFeed.Hour?
        var backfilled = timeline == nil
        while !Task.isShuttingDownGracefully {
            do {
                try await store.ping()
                if !backfilled, let replay {
                    try await recordHistory(replay)
                    backfilled = true
                }
                if let replay {
                    let elapsed = timeline.map { Double(Timestamp.nowMilliseconds() - $0.wallAnchorMs) / 1000 } ?? (clock.now - started).seconds
                    let due = replay.hoursPlayed(afterWallSeconds: elapsed)
                    while hoursWritten < due, let hour = replay.hour(hoursWritten) {
                        try await store.record(
                            SQLiteStore.GridHour(
                                region: region, startUTC: hour.record.startUTC, solarMW: hour.record.solarMW,
                                windMW: hour.record.windMW, greenScore: hour.score, source: "replay"))
                        hoursWritten += 1
                        latest = hour
                        planner?.score.update(score: hour.score)
                    }
                    if hoursWritten < due && !exhausted {
                        exhausted = true
                        logger.notice("grid replay reached the end of its file; looping is off, no further hours")
                    }
                }
                planner?.reloadIfChanged()
                if let planner { planner.setLayout(try await store.fleetLayout()) }
                ticks += 1
                heartbeat.beat()
                let status = statusLine(latest: latest, hoursWritten: hoursWritten)
                if ticks == 1 {
                    notifier.notify(.ready, .status(status))
                    logger.notice("ready: store open", metadata: ["store": "\(store.path)"])
                } else {
                    notifier.notify(.status(status))
                }
            } catch {
                logger.error("collector tick failed: \(error)")
                notifier.notify(.status("degraded: \(error)"))
            }
            guard await ticker.waitForNextTick(period: period) else { break }
        }
        logger.info("collector loop stopped", metadata: ["ticks": "\(ticks)", "grid_hours_recorded": "\(hoursWritten)"])
    }

    /// A replay presented as the present starts with what the forecaster reads already on record: the file's
    /// hours before the start (the score's trailing window plus the forecast's baseline days).
    private func recordHistory(_ replay: ReplayFeed) async throws(StoreError) {
        let forecaster = GreenForecaster()
        // With the first played hour, so the newest hour a reader can see is never one from the past.
        let history = replay.hoursBeforeStart(limit: forecaster.scorer.windowHours + forecaster.baselineDays * 24) + [replay.hour(0)].compactMap { $0 }
        try await store.record(
            history: history.map {
                SQLiteStore.GridHour(
                    region: region, startUTC: $0.record.startUTC, solarMW: $0.record.solarMW, windMW: $0.record.windMW, greenScore: $0.score,
                    source: "replay")
            })
        logger.info("grid replay presented as the present: the hours before its start and its first hour recorded", metadata: ["hours": "\(history.count)"])
    }

    private func statusLine(latest: ReplayFeed.Hour?, hoursWritten: Int) -> String {
        if replay == nil, let liveStatus {
            return "store \(store.path) ok; grid live: \(liveStatus.summary ?? "first polls under way")"
        }
        guard let latest else { return "store \(store.path) ok; no grid feed configured" }
        let record = latest.record
        let wind = record.windMW.map { "\(Int($0.rounded())) MW" } ?? "n/a"
        return "grid \(region) replay \(Timestamp.format(record.startUTC)) KST: solar \(Int(record.solarMW.rounded())) MW, "
            + "wind \(wind), green \(String(format2(latest.score))); \(hoursWritten) h recorded"
    }
}

func format2(_ value: Double) -> String {
    let hundredths = Int((value * 100).rounded())
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
