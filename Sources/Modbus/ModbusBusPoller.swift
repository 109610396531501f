import GreencapCore
import Logging
import Synchronization

/// Polls every device of one bus on a thread of its own.
///
/// Requests on a bus are strictly serialised (RTU is half-duplex; a TCP gateway usually is too behind its
/// serial side). A device that stops answering backs off exponentially and is probed with a single
/// attempt, so it costs the others at most one of its own timeouts per backoff period.
public final class ModbusBusPoller: Sendable {
    public let settings: ModbusBusSettings
    public let readings: ModbusReadings
    private let logger: Logger
    private let thread: DedicatedThread
    private let signal = StopSignal()
    private let retryNow = RetryFlag()
    private let resolveDevice: (@Sendable () -> String?)?

    public init(settings: ModbusBusSettings, readings: ModbusReadings, logger: Logger, resolveDevice: (@Sendable () -> String?)? = nil) {
        self.settings = settings
        self.readings = readings
        self.logger = logger
        self.resolveDevice = resolveDevice
        self.thread = DedicatedThread(name: "greencap-modbus-\(settings.name)".prefix(15).description)
    }

    public func start() {
        let settings = settings, readings = readings, logger = logger, signal = signal, resolve = resolveDevice, retryNow = retryNow
        thread.submit {
            let loop = PollLoop(settings: settings, readings: readings, logger: logger, signal: signal, retryNow: retryNow, resolveDevice: resolve)
            loop.run()
        }
    }

    /// Ends the poll loop after the request in flight and waits for the thread to finish.
    public func stop() async {
        signal.stop()
        await thread.run {}
        thread.stop()
    }

    /// Cuts the current wait and every device's backoff short: the adapter came back, poll now.
    public func pollSoon() {
        retryNow.value.store(true, ordering: .relaxed)
        signal.wake()
    }
}

/// The bus thread's loop and the per-device state it keeps.
private final class PollLoop {
    struct DeviceState {
        var session: DeviceSession
        var nextAttempt: ContinuousClock.Instant
        var consecutiveFailures = 0
        var lastFailureKind: String?
        var invalidLabels: Set<String> = []
    }

    let settings: ModbusBusSettings
    let readings: ModbusReadings
    let logger: Logger
    let signal: StopSignal
    let retryNow: RetryFlag
    let link: BusLink
    let clock = ContinuousClock()
    var devices: [DeviceState]

    init(
        settings: ModbusBusSettings, readings: ModbusReadings, logger: Logger, signal: StopSignal, retryNow: RetryFlag,
        resolveDevice: (@Sendable () -> String?)?
    ) {
        self.settings = settings
        self.readings = readings
        self.logger = logger
        self.signal = signal
        self.retryNow = retryNow
        self.link = BusLink(endpoint: settings.endpoint, resolveDevice: resolveDevice)
        let now = ContinuousClock().now
        self.devices = settings.devices.map { DeviceState(session: DeviceSession(settings: $0), nextAttempt: now) }
        for device in settings.devices {
            readings.update(device.name, { _ in }, create: { Self.emptySnapshot(device, endpoint: settings.endpoint) })
        }
    }

    static func emptySnapshot(_ device: ModbusDeviceSettings, endpoint: ModbusEndpoint) -> DeviceSnapshot {
        DeviceSnapshot(
            device: device.name, profile: device.profile.id, endpoint: endpoint.description, unitID: device.unitID,
            health: .notYetRead, lastRead: nil, readings: [], polls: 0, failures: [:], staleAfter: device.staleAfter)
    }

    func run() {
        logger.info("Modbus bus polling", metadata: [
            "bus": "\(settings.name)", "endpoint": "\(settings.endpoint)", "devices": "\(devices.count)", "every": "\(settings.pollEvery)",
        ])
        while !signal.isStopped {
            let cycleStart = clock.now
            if retryNow.value.exchange(false, ordering: .relaxed) {
                link.close()
                for index in devices.indices { devices[index].nextAttempt = cycleStart }
            }
            for index in devices.indices where devices[index].nextAttempt <= clock.now {
                if signal.isStopped { break }
                poll(index, cycleStart: cycleStart)
            }
            let nextCycle = cycleStart + settings.pollEvery
            let earliest = devices.map(\.nextAttempt).min().map { max($0, nextCycle) } ?? nextCycle
            let wait = earliest - clock.now
            if wait > .zero, signal.wait(wait) { break }
        }
        link.close()
    }

    private func poll(_ index: Int, cycleStart: ContinuousClock.Instant) {
        let device = devices[index].session.settings
        // A failing device gets one attempt per backoff period, not its retries: the bus is shared.
        let retries = devices[index].consecutiveFailures == 0 ? device.connection.retries : 0
        let outcome = devices[index].session.poll(on: link, retries: retries)
        let now = Timestamp.nowMilliseconds()
        switch outcome {
        case .read(let image, let base):
            let values = devices[index].session.decoder.decode(image, base: base)
            let fresh = devices[index].session.decoder.readings(values, device: device.name, timestamp: now)
            recovered(index, at: now)
            reportInvalid(index, fresh)
            devices[index].nextAttempt = cycleStart + settings.pollEvery
            readings.update(device.name, { snapshot in
                snapshot.readings = fresh
                snapshot.lastRead = now
                snapshot.polls += 1
                snapshot.health = .answering
            }, create: { Self.emptySnapshot(device, endpoint: settings.endpoint) })
        case .failed(let error, let request):
            failed(index, kind: error.kind, reason: "\(request): \(error)", at: now)
            if error.needsReconnect { devices[index].session.reset() }
        case .mismatch(let reason):
            failed(index, kind: "profile-mismatch", reason: reason, at: now)
        }
    }

    private func failed(_ index: Int, kind: String, reason: String, at now: Int64) {
        let device = devices[index].session.settings
        devices[index].consecutiveFailures += 1
        let failures = devices[index].consecutiveFailures
        let exponent = min(failures - 1, 16)
        let backoff = min(settings.pollEvery * (1 << exponent), max(settings.backoffLimit, settings.pollEvery))
        devices[index].nextAttempt = clock.now + backoff
        // Warned once when the device stops answering; while it stays down, a different failure (the
        // connection refused after the reset) is only a debug line, so an outage is one warning.
        let metadata: Logger.Metadata = [
            "device": "\(device.name)", "bus": "\(settings.name)", "endpoint": "\(link.currentEndpoint)",
            "unit": "\(device.unitID)", "error": "\(reason)", "retry_in": "\(backoff)",
        ]
        if failures == 1 {
            logger.warning("Modbus device not answering; its readings go stale; retrying with backoff", metadata: metadata)
        } else if devices[index].lastFailureKind != kind {
            logger.debug("Modbus device still not answering", metadata: metadata)
        }
        devices[index].lastFailureKind = kind
        readings.update(device.name, { snapshot in
            snapshot.failures[kind, default: 0] += 1
            let since: Int64
            if case .failing(_, let started, _) = snapshot.health { since = started } else { since = now }
            snapshot.health = .failing(reason: reason, since: since, consecutive: failures)
        }, create: { Self.emptySnapshot(device, endpoint: settings.endpoint) })
    }

    private func recovered(_ index: Int, at now: Int64) {
        guard devices[index].consecutiveFailures > 0 else { return }
        let device = devices[index].session.settings
        logger.notice("Modbus device answers again", metadata: [
            "device": "\(device.name)", "bus": "\(settings.name)", "failed_polls": "\(devices[index].consecutiveFailures)",
        ])
        devices[index].consecutiveFailures = 0
        devices[index].lastFailureKind = nil
    }

    /// Logs a point once when it turns invalid and once when it is valid again, not every poll.
    private func reportInvalid(_ index: Int, _ fresh: [Reading]) {
        let invalid = fresh.filter { $0.quality == .invalid }
        let labels = Set(invalid.map(\.label))
        let previous = devices[index].invalidLabels
        guard labels != previous else { return }
        let device = devices[index].session.settings.name
        for reading in invalid where !previous.contains(reading.label) {
            logger.warning("Modbus reading not available", metadata: [
                "device": "\(device)", "reading": "\(reading.label)", "reason": "\(reading.reason ?? "-")",
            ])
        }
        for label in previous.subtracting(labels) {
            logger.notice("Modbus reading available again", metadata: ["device": "\(device)", "reading": "\(label)"])
        }
        devices[index].invalidLabels = labels
    }
}


/// Set from any thread (the hot-plug monitor) to make the bus thread retry every device now.
final class RetryFlag: Sendable {
    let value = Atomic<Bool>(false)
}
