import Daemon
import GPU
import GreencapConfig
import GreencapCore
import Logging
import ServiceLifecycle

/// What one tick of the agent did, for the status line and the log.
public struct TickReport: Sendable, Equatable {
    /// Short human summary of the node's state after the tick.
    public var summary: String

    public init(summary: String) { self.summary = summary }
}

/// The node's main loop. Each tick does the node's work (sampling, and enforcing caps) and beats the heartbeat only after that work completed, so the watchdog sees real progress.
public struct AgentLoop: Service {
    public typealias Work = @Sendable (_ config: AgentConfig, _ tick: UInt64) async throws -> TickReport

    let config: ConfigBox<AgentConfig>
    let heartbeat: Heartbeat
    let notifier: SystemdNotifier
    let logger: Logger
    let work: Work
    let finish: @Sendable () async -> Void

    public init(
        config: ConfigBox<AgentConfig>, heartbeat: Heartbeat, notifier: SystemdNotifier, logger: Logger,
        work: @escaping Work = AgentLoop.nodeWork(gpus: nil), finish: @escaping @Sendable () async -> Void = {}
    ) {
        self.config = config
        self.heartbeat = heartbeat
        self.notifier = notifier
        self.logger = logger
        self.work = work
        self.finish = finish
    }

    public func run() async throws {
        let clock = ContinuousClock()
        var tick: UInt64 = 0
        var lastStatus: ContinuousClock.Instant?
        var ticker = FixedRateTicker()
        let started = clock.now
        var laterReleaseDone = false
        while !Task.isShuttingDownGracefully {
            let settings = config.current
            let report: TickReport
            do {
                let number = tick
                report = try await cancelWhenGracefulShutdown { try await work(settings, number) }
            } catch is CancellationError {
                break
            }
            tick += 1
            heartbeat.beat()
            let now = clock.now
            if tick == 1 {
                notifier.notify(.ready, .status(status(settings, tick, report)))
                logger.notice("ready: first tick completed", metadata: ["node": "\(settings.node)"])
                lastStatus = now
                await StartupPageRelease.release(logger: logger, reason: "first tick")
            } else if let last = lastStatus, now - last >= .seconds(1) {
                // STATUS at most once a second, whatever the tick rate.
                notifier.notify(.status(status(settings, tick, report)))
                lastStatus = now
            }
            // Again once the uplink has connected and the first policies and retention ran.
            if !laterReleaseDone, now - started >= Self.laterPageRelease {
                laterReleaseDone = true
                await StartupPageRelease.release(logger: logger, reason: "after \(Self.laterPageRelease)")
            }
            guard await ticker.waitForNextTick(period: settings.tick) else { break }
        }
        await finish()
        logger.info("control loop stopped", metadata: ["ticks": "\(tick)"])
    }

    static let laterPageRelease = Duration.seconds(120)

    private func status(_ settings: AgentConfig, _ tick: UInt64, _ report: TickReport) -> String {
        "node \(settings.node.id): tick \(tick) every \(format(settings.tick)); \(report.summary)"
    }

    /// The node's work per tick: read the GPUs (when the node has them), summarise the latest PDU/UPS readings
    /// (their own threads poll them), and run the cap controller (when `[control]` enables it).
    public static func nodeWork(
        gpus: GPUSampler?, modbus: ModbusSampler? = nil, control: NodeControl? = nil, uplink: UplinkService? = nil
    ) -> Work {
        { _, _ in
            var parts: [String] = []
            var fleet: FleetReading?
            if let gpus {
                let sample = await gpus.sample()
                if case .reading(let reading) = sample.status, reading.libraryFailure == nil { fleet = reading }
                parts.append(sample.summary)
            } else {
                parts.append("GPUs disabled ([gpu] enabled = false)")
            }
            let now = Timestamp.nowMilliseconds()
            if let control {
                parts.insert(await control.tick(fleet: fleet, gpus: gpus?.service, modbus: modbus, now: now), at: 0)
            }
            await uplink?.record(now: now, gpus: fleet?.gpus ?? [], modbus: modbus?.readings.all() ?? [])
            if let modbus {
                let summary = modbus.summary(now: now)
                if !summary.isEmpty { parts.append(summary) }
            }
            return TickReport(summary: parts.joined(separator: "; "))
        }
    }
}
