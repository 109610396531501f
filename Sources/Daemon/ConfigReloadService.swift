import GreencapConfig
import Logging
import ServiceLifecycle
import UnixSignals

/// Re-reads the configuration. A new file that fails validation is rejected with every issue logged,
/// and the configuration in force stays in force: a typo must never take a node's caps away.
public struct ConfigReloader<Config: Sendable & Equatable>: Sendable {
    let box: ConfigBox<Config>
    let load: @Sendable () throws(ConfigError) -> Config
    let notifier: SystemdNotifier
    let logger: Logger
    let applied: @Sendable (Config) -> Void

    public init(
        box: ConfigBox<Config>,
        notifier: SystemdNotifier,
        logger: Logger,
        load: @escaping @Sendable () throws(ConfigError) -> Config,
        applied: @escaping @Sendable (Config) -> Void = { _ in }
    ) {
        self.box = box
        self.load = load
        self.notifier = notifier
        self.logger = logger
        self.applied = applied
    }

    /// One reload attempt; returns whether the new configuration was accepted.
    @discardableResult
    public func reload() -> Bool {
        notifier.notify(.reloading, .status("reloading configuration"))
        defer { notifier.notify(.ready) }
        do {
            let fresh = try load()
            if fresh == box.current {
                logger.notice("configuration reloaded: no changes")
            } else {
                box.replace(with: fresh)
                logger.notice("configuration reloaded: new settings in force")
            }
            applied(fresh)
            return true
        } catch {
            for issue in error.issues {
                logger.error("\(issue)")
            }
            logger.error("configuration reload rejected; the previous configuration stays in force")
            return false
        }
    }
}

/// Runs a `ConfigReloader` on every SIGHUP.
public struct ConfigReloadService<Config: Sendable & Equatable>: Service {
    let signals: UnixSignalsSequence
    let reloader: ConfigReloader<Config>

    /// `signals` must already trap SIGHUP (create it before the service group starts), otherwise a
    /// SIGHUP that arrives during start-up would kill the process with the default action.
    public init(signals: UnixSignalsSequence, reloader: ConfigReloader<Config>) {
        self.signals = signals
        self.reloader = reloader
    }

    public func run() async throws {
        for await _ in signals.cancelOnGracefulShutdown() {
            reloader.reload()
        }
    }
}
