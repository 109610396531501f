#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import ServiceLifecycle

/// Pings systemd's watchdog (`WATCHDOG=1`) at half of `WatchdogSec`, but only when the main loop's
/// heartbeat has advanced since the previous ping. A timer that pings regardless would keep a hung
/// daemon alive forever.
public struct WatchdogService: Service {
    public let interval: Duration
    let heartbeat: Heartbeat
    let notifier: SystemdNotifier
    let logger: Logger

    public init(interval: Duration, heartbeat: Heartbeat, notifier: SystemdNotifier, logger: Logger) {
        self.interval = interval
        self.heartbeat = heartbeat
        self.notifier = notifier
        self.logger = logger
    }

    /// The watchdog systemd asked for via `WATCHDOG_USEC` (and `WATCHDOG_PID`, when it names this process).
    public static func fromEnvironment(
        heartbeat: Heartbeat, notifier: SystemdNotifier, logger: Logger
    ) -> WatchdogService? {
        guard notifier.isEnabled, let usecText = getenv("WATCHDOG_USEC").map({ String(cString: $0) }),
            let usec = Int64(usecText), usec > 0
        else { return nil }
        if let pidText = getenv("WATCHDOG_PID").map({ String(cString: $0) }), Int32(pidText) != getpid() {
            return nil
        }
        return WatchdogService(interval: .microseconds(usec), heartbeat: heartbeat, notifier: notifier, logger: logger)
    }

    public func run() async throws {
        var lastSeen = heartbeat.count
        var stalledChecks = 0
        logger.info("watchdog armed", metadata: ["watchdog_interval": "\(interval)"])
        while !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval / 2) }
            } catch {
                return
            }
            let current = heartbeat.count
            if current != lastSeen {
                if stalledChecks > 0 { logger.notice("main loop is making progress again; watchdog pings resumed") }
                notifier.notify(.watchdog)
                lastSeen = current
                stalledChecks = 0
            } else {
                stalledChecks += 1
                if stalledChecks == 1 {
                    logger.warning(
                        "main loop made no progress for \(interval / 2); withholding WATCHDOG=1 so systemd restarts a hung daemon"
                    )
                }
            }
        }
    }
}
