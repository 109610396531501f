import GreencapConfig
import GreencapCore
import Logging
import Modbus
import SerialPorts
import Synchronization

/// The node's PDUs, UPSes and meters: one poller thread per bus, readings kept in `readings`, and a
/// one-line summary per tick for the status line.
public final class ModbusSampler: Sendable {
    public let readings = ModbusReadings()
    public let pollers: [ModbusBusPoller]
    private let outlets: [String: [Int]]
    private let classes: [String: DeviceProfile.DeviceClass]
    private let serialPollers: [ModbusBusPoller]
    private let logger: Logger
    private let watcher = Mutex<(monitor: SerialPortMonitor?, task: Task<Void, Never>?)>((nil, nil))

    /// Resolves every device's profile; a missing or invalid profile is a config error at its `profile` line.
    public static func profiles(for settings: ModbusSettings, configFile: String) throws(ConfigError) -> [String: DeviceProfile] {
        let catalog = ProfileCatalog(extraDirectories: settings.profileDirectories)
        var profiles: [String: DeviceProfile] = [:]
        var issues: [ConfigIssue] = []
        for (busIndex, bus) in settings.buses.enumerated() {
            for (deviceIndex, device) in bus.devices.enumerated() where profiles[device.profile] == nil {
                do {
                    profiles[device.profile] = try catalog.load(device.profile)
                } catch {
                    let key = "modbus.bus[\(busIndex + 1)].device[\(deviceIndex + 1)].profile"
                    for issue in error.issues {
                        issues.append(ConfigIssue(file: configFile, line: device.profileLine, key: key, problem: issue.key == "-" ? issue.problem : issue.description))
                    }
                }
            }
        }
        guard issues.isEmpty else { throw .invalid(issues) }
        return profiles
    }

    public init(settings: ModbusSettings, profiles: [String: DeviceProfile], logger: Logger) {
        var pollers: [ModbusBusPoller] = []
        var serialPollers: [ModbusBusPoller] = []
        var outlets: [String: [Int]] = [:]
        var classes: [String: DeviceProfile.DeviceClass] = [:]
        for bus in settings.buses {
            var devices: [ModbusDeviceSettings] = []
            for device in bus.devices {
                guard let profile = profiles[device.profile] else { continue }
                var connection = profile.connection
                if let timeout = device.responseTimeout { connection.responseTimeout = timeout }
                if let retries = device.retries { connection.retries = retries }
                if let delay = device.interRequestDelay { connection.interRequestDelay = delay }
                if let baud = bus.baud { connection.baud = baud }
                if let parity = bus.parity.flatMap(ConnectionDefaults.Parity.init(rawValue:)) { connection.parity = parity }
                if let bits = bus.dataBits { connection.dataBits = bits }
                if let bits = bus.stopBits { connection.stopBits = bits }
                devices.append(ModbusDeviceSettings(
                    name: device.name, profile: profile, unitID: device.unitID.map { UInt8($0) }, connection: connection,
                    staleAfter: device.staleAfter))
                outlets[device.name] = device.outlets
                classes[device.name] = profile.deviceClass
            }
            guard let first = devices.first else { continue }
            var busLogger = logger
            busLogger[metadataKey: "bus"] = "\(bus.name)"
            let (endpoint, resolve) = Self.endpoint(bus, line: first.connection, logger: busLogger)
            let poller = ModbusBusPoller(
                settings: ModbusBusSettings(name: bus.name, endpoint: endpoint, pollEvery: bus.pollEvery, backoffLimit: bus.backoffLimit, devices: devices),
                readings: readings, logger: busLogger, resolveDevice: resolve)
            pollers.append(poller)
            if endpoint.isSerial { serialPollers.append(poller) }
        }
        self.pollers = pollers
        self.serialPollers = serialPollers
        self.logger = logger
        self.outlets = outlets
        self.classes = classes
    }

    /// A serial bus named by adapter attributes is re-resolved at every open, so a re-plugged adapter
    /// that came back as another ttyUSB is found again.
    private static func endpoint(
        _ bus: ModbusSettings.Bus, line: ConnectionDefaults, logger: Logger
    ) -> (ModbusEndpoint, (@Sendable () -> String?)?) {
        switch bus.link {
        case .tcp(let text):
            return (ModbusEndpoint.tcp(text, defaultPort: line.tcpPort) ?? .tcp(host: text, port: line.tcpPort), nil)
        case .rtu(let path):
            return (.rtu(device: path, baud: line.baud, parity: line.parity, dataBits: line.dataBits, stopBits: line.stopBits), nil)
        case .serial(let keys):
            let described = "serial{" + keys.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",") + "}"
            let resolve: @Sendable () -> String? = {
                do {
                    let selector = try SerialPortSelector(keys: keys)
                    return try selector.resolve(in: SerialPortCatalog(logger: logger).current()).devnode
                } catch {
                    logger.warning("serial adapter not found", metadata: ["selector": "\(described)", "error": "\(error)"])
                    return nil
                }
            }
            return (.rtu(device: described, baud: line.baud, parity: line.parity, dataBits: line.dataBits, stopBits: line.stopBits), resolve)
        }
    }

    public func start() {
        for poller in pollers { poller.start() }
        watchSerialAdapters()
    }

    public func stop() async {
        let (monitor, task) = watcher.withLock { state in
            defer { state = (nil, nil) }
            return state
        }
        monitor?.stop()
        task?.cancel()
        for poller in pollers { await poller.stop() }
    }

    /// A serial adapter plugged (back) in: the serial buses retry at once instead of waiting out their
    /// backoff. Without udev events (no udevd) the backoff retries still find it, just later.
    private func watchSerialAdapters() {
        guard !serialPollers.isEmpty else { return }
        let monitor: SerialPortMonitor
        do {
            monitor = try SerialPortMonitor(logger: logger)
        } catch {
            logger.warning("serial hot-plug events unavailable; serial buses reopen on their retry schedule", metadata: ["error": "\(error)"])
            return
        }
        let pollers = serialPollers, logger = logger
        let task = Task {
            for await event in monitor.events {
                switch event {
                case .added(let port):
                    logger.info("serial adapter added; retrying serial buses now", metadata: ["device": "\(port.devnode)"])
                    for poller in pollers { poller.pollSoon() }
                case .eventsLost:
                    for poller in pollers { poller.pollSoon() }
                case .removed(let devnode, _):
                    logger.notice("serial adapter removed", metadata: ["device": "\(devnode)"])
                }
            }
        }
        watcher.withLock { $0 = (monitor, task) }
    }

    /// "PDU pdu-a 1234 W; UPS ups-a on battery 87 % 1380 s; meter m1 5200 W"; stale and failing devices say so.
    public func summary(now: Int64) -> String {
        readings.all().map { snapshot in
            let kind = classes[snapshot.device].map { $0 == .pdu ? "PDU" : $0 == .ups ? "UPS" : "meter" } ?? "device"
            let current = snapshot.readings(at: now)
            var text = "\(kind) \(snapshot.device) " + describe(snapshot.device, current)
            switch snapshot.health {
            case .notYetRead: text = "\(kind) \(snapshot.device) not read yet"
            case .failing(let reason, _, _):
                let short = reason.split(separator: ":").last.map { $0.trimmingCharacters() } ?? reason
                text += current.isEmpty ? "not answering (\(short))" : " (stale: not answering)"
            case .answering:
                if current.contains(where: { $0.quality == .stale }) { text += " (stale)" }
            }
            return text
        }.joined(separator: "; ")
    }

    /// The node's power as its PDU measures it now: the sum of its configured outlets, else the inlet. Nil when
    /// the device is not a PDU, has no good reading, or its readings went stale.
    public func nodePower(device: String, now: Int64) -> Milliwatts? {
        guard classes[device] == .pdu, let snapshot = readings.snapshot(device) else { return nil }
        return outletPower(device, snapshot.readings(at: now), quality: [.good]).map { Milliwatts(Int64(($0.watts * 1000).rounded())) }
    }

    /// The UPS's on-battery flag as of now; nil when the device is not a UPS or has no good reading.
    public func upsOnBattery(device: String, now: Int64) -> Bool? {
        guard classes[device] == .ups, let snapshot = readings.snapshot(device) else { return nil }
        return Self.flag("ups.on_battery", in: snapshot.readings(at: now), quality: [.good])
    }

    private static func flag(_ metric: String, in readings: [Reading], quality: Set<Reading.Quality>) -> Bool? {
        readings.first { $0.metric.name == metric && quality.contains($0.quality) }.flatMap {
            if case .flag(let flag)? = $0.value { flag } else { nil }
        }
    }

    /// The node's outlets summed (or the inlet when the config names no outlets and there are none).
    private func outletPower(
        _ device: String, _ readings: [Reading], quality: Set<Reading.Quality>
    ) -> (watts: Double, outlets: Int)? {
        let wanted = outlets[device] ?? []
        let outletPower = readings.filter {
            $0.metric.name == "pdu.outlet.power_w" && quality.contains($0.quality) && (wanted.isEmpty || wanted.contains($0.entity ?? 0))
        }
        if !outletPower.isEmpty, wanted.isEmpty || outletPower.count == wanted.count {
            return (outletPower.compactMap(\.number).reduce(0, +), outletPower.count)
        }
        guard wanted.isEmpty else { return nil }
        return readings.first { $0.metric.name == "pdu.inlet.power_w" && quality.contains($0.quality) }?.number.map { ($0, 0) }
    }

    private func describe(_ device: String, _ readings: [Reading]) -> String {
        let usable: Set<Reading.Quality> = [.good, .stale]
        func value(_ metric: String) -> Double? { readings.first { $0.metric.name == metric && usable.contains($0.quality) }?.number }
        switch classes[device] {
        case .pdu?:
            guard let power = outletPower(device, readings, quality: usable) else { return "" }
            return "\(Int(power.watts.rounded())) W " + (power.outlets > 0 ? "(\(power.outlets) outlets)" : "(inlet)")
        case .ups?:
            let onBattery = Self.flag("ups.on_battery", in: readings, quality: usable)
            var parts = [onBattery == true ? "ON BATTERY" : onBattery == false ? "on mains" : "mains ?"]
            if let load = value("ups.load_w") { parts.append("\(Int(load.rounded())) W") }
            if let charge = value("ups.charge_pct") { parts.append("\(Int(charge.rounded())) %") }
            if onBattery == true, let runtime = value("ups.runtime_s") { parts.append("\(Int(runtime)) s left") }
            return parts.joined(separator: " ")
        case .meter?:
            return value("meter.power_w").map { "\(Int($0.rounded())) W" } ?? ""
        case nil:
            return ""
        }
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> String {
        var text = self
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
