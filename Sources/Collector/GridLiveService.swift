import GreencapCore
import Grid
import GridLive
import Logging
import ServiceLifecycle
import Synchronization

/// One line per live source for the collector's STATUS, updated after every poll.
public final class GridLiveStatus: Sendable {
    private let lines = Mutex<[String: String]>([:])

    public init() {}

    func set(_ source: String, _ line: String) { lines.withLock { $0[source] = line } }

    /// `sumperfuel5m ok 3 records 10:05; pv-by-region: quota until …`, sources in name order.
    public var summary: String? {
        let all = lines.withLock { $0 }
        guard !all.isEmpty else { return nil }
        return all.keys.sorted().compactMap { name in all[name].map { "\(name) \($0)" } }.joined(separator: "; ")
    }
}

/// Polls every configured live source on its own schedule (the budget decides the period) and stores what
/// they bring. A source's failure is logged and shown in the status; it never stops the others or the
/// collector, whatever a peer sends.
public struct GridLiveService: Service {
    let pollers: [LiveSourcePoller]
    let store: SQLiteStore
    let status: GridLiveStatus
    /// Rolls the readings of `[grid] region` up into scored hours after every poll.
    let hours: LiveGridHours?
    let logger: Logger

    public init(pollers: [LiveSourcePoller], store: SQLiteStore, status: GridLiveStatus, hours: LiveGridHours? = nil, logger: Logger) {
        self.pollers = pollers
        self.store = store
        self.status = status
        self.hours = hours
        self.logger = logger
    }

    public func run() async throws {
        for poller in pollers {
            logger.info(
                "grid live source polling",
                metadata: [
                    "source": "\(poller.settings.name)", "api": "\(poller.settings.api.rawValue)",
                    "every": "\(poller.settings.effectivePeriod)", "daily_limit": "\(poller.settings.dailyLimit)",
                ])
        }
        do {
            try await hours?.resume(nowUTC: Timestamp.nowMilliseconds() / 1000)
        } catch {
            logger.error("grid live: cannot read where the green-hour roll-up left off; retried after the next poll", metadata: ["error": "\(error)"])
        }
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for poller in pollers {
                    group.addTask { await pollForever(poller) }
                }
            }
        }
        logger.info("grid live polling stopped")
    }

    private func pollForever(_ start: LiveSourcePoller) async {
        var poller = start
        let name = poller.settings.name
        while !Task.isCancelled {
            let report = await poller.poll()
            let now = Timestamp.nowMilliseconds() / 1000
            do {
                try await store.record(feed: report.rows.records, recordedUTC: now)
                try await store.record(forecasts: report.rows.forecasts, recordedUTC: now)
                if !report.rows.records.isEmpty || !report.rows.forecasts.isEmpty {
                    logger.info(
                        "grid live records stored",
                        metadata: [
                            "source": "\(name)", "records": "\(report.rows.records.count)",
                            "forecasts": "\(report.rows.forecasts.count)", "rejected": "\(report.rows.rejected.count)",
                            "calls": "\(report.calls)",
                        ])
                }
                status.set(name, line(report, at: now))
            } catch {
                logger.error("grid live: cannot store records", metadata: ["source": "\(name)", "error": "\(error)"])
                status.set(name, "store failed")
            }
            do {
                try await hours?.update(nowUTC: Timestamp.nowMilliseconds() / 1000)
            } catch {
                logger.error("grid live: cannot roll readings up into green hours", metadata: ["error": "\(error)"])
            }
            do {
                try await Task.sleep(for: poller.settings.effectivePeriod)
            } catch {
                return
            }
        }
    }

    private func line(_ report: PollReport, at now: Int64) -> String {
        let stored = report.rows.records.count + report.rows.forecasts.count
        switch report.failure {
        case nil, .paced?: return "ok \(stored) stored \(Timestamp.format(now).suffix(5))"
        case .quotaExceeded?: return "quota spent until 00:00 KST"
        case .budgetSpent?: return "budget spent until 00:00 KST"
        case .keyRejected?, .keyFile?: return "key refused"
        case let failure?: return "failing (\(failure.api?.rawValue ?? "")): \(stored) stored"
        }
    }
}
