#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GreencapConfig
import Logging
import ServiceLifecycle
import UnixSignals

/// What every Greencap daemon does between parsing its arguments and running its services: load the
/// configuration, set up logging, trap SIGHUP for reloads, and run everything in one `ServiceGroup`
/// that drains on SIGTERM/SIGINT.
public struct DaemonContext<Config: Sendable & Equatable>: Sendable {
    public let name: String
    public let configPath: String
    public let config: ConfigBox<Config>
    public let notifier: SystemdNotifier
    public let heartbeat: Heartbeat
    public let logger: Logger
    public let logLevel: LogLevelControl
}

public enum DaemonRunner {
    /// Validates the file and prints the verdict; returns the process exit code. `deepCheck` then tries
    /// what the file points at (data files, say) and throws a `ConfigurationFault` when that is wrong.
    public static func checkConfig<Config>(
        path: String, load: (String) throws(ConfigError) -> Config, deepCheck: (Config) throws -> Void = { _ in }
    ) -> Int32 {
        let config: Config
        do {
            config = try load(path)
        } catch {
            printToStandardError(error.issues.map(\.description) + ["\(path): \(error.issues.count) problem(s); configuration rejected"])
            return exitCodeInvalidConfig
        }
        do {
            try deepCheck(config)
        } catch {
            printToStandardError(["\(path): \(error)", "\(path): configuration rejected"])
            return exitCodeInvalidConfig
        }
        print("\(path): configuration is valid")
        return 0
    }

    /// Runs a daemon until SIGTERM/SIGINT. `makeServices` builds the daemon's own services from the context;
    /// reload, watchdog and STOPPING notification are added here. Returns the process exit code.
    public static func run<Config: Sendable & Equatable>(
        name: String,
        configPath: String,
        logLevelOverride: LogLevel?,
        load: @escaping @Sendable (String) throws(ConfigError) -> Config,
        logLevelOf: @escaping @Sendable (Config) -> LogLevel,
        restartNeeded: @escaping @Sendable (_ started: Config, _ fresh: Config) -> [String] = { _, _ in [] },
        makeServices: (DaemonContext<Config>) throws -> [any Service]
    ) async -> Int32 {
        let initial: Config
        do {
            initial = try load(configPath)
        } catch {
            printToStandardError(error.issues.map(\.description) + ["\(name): not starting: configuration rejected"])
            return exitCodeInvalidConfig
        }
        let levelControl = LogLevelControl(Logger.Level(logLevelOverride ?? logLevelOf(initial)))
        LoggingSystem.bootstrap { label in JournalLogHandler(label: label, level: levelControl) }
        var logger = Logger(label: name)
        logger[metadataKey: "daemon"] = "\(name)"

        let context = DaemonContext(
            name: name, configPath: configPath, config: ConfigBox(initial), notifier: .fromEnvironment(),
            heartbeat: Heartbeat(), logger: logger, logLevel: levelControl)

        // Trap SIGHUP before anything else runs: its default action would end the process.
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        let reloadLogger = logger
        let reloader = ConfigReloader(
            box: context.config, notifier: context.notifier, logger: logger,
            load: { () throws(ConfigError) -> Config in try load(configPath) },
            applied: { fresh in
                if logLevelOverride == nil { levelControl.level = Logger.Level(logLevelOf(fresh)) }
                for key in restartNeeded(initial, fresh) {
                    reloadLogger.warning("'\(key)' changed: the new value takes effect at the next restart")
                }
            })
        let reload = ConfigReloadService(signals: hangups, reloader: reloader)

        var services: [any Service]
        do {
            services = try makeServices(context)
        } catch let error as any ConfigurationFault {
            // What the file points at is wrong (a missing data file, say): restarting cannot fix it.
            logger.critical("cannot start: \(error)")
            return exitCodeInvalidConfig
        } catch {
            logger.critical("cannot start: \(error)")
            return 1
        }
        services.append(reload)
        if let watchdog = WatchdogService.fromEnvironment(heartbeat: context.heartbeat, notifier: context.notifier, logger: logger) {
            services.append(watchdog)
        }
        services.append(StoppingNotifier(notifier: context.notifier))

        var groupConfiguration = ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(20)
        let group = ServiceGroup(configuration: groupConfiguration)
        logger.info("starting", metadata: ["config": "\(configPath)", "pid": "\(getpid())"])
        do {
            try await group.run()
            logger.info("stopped cleanly")
            return 0
        } catch {
            logger.critical("stopped on error: \(error)")
            context.notifier.notify(.status("failed: \(error)"))
            return 1
        }
    }
}

/// An error at start-up caused by what the configuration names (a data file that is missing or bad),
/// as opposed to the environment: the daemon exits 78 so systemd does not restart-loop on it.
public protocol ConfigurationFault: Error {}

func printToStandardError(_ lines: [String]) {
    for line in lines {
        let text = line + "\n"
        text.withCString { _ = write(STDERR_FILENO, $0, strlen($0)) }
    }
}
