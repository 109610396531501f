import GreencapCore

/// `[modbus]` and `[[modbus.bus]]` in agent.toml: the PDUs, UPSes and meters this node reads.
///
/// Profiles are named here and resolved by the agent (the `Modbus` library owns their format), so a
/// missing profile is reported against the `profile` key's line at load and by `--check-config`.
public struct ModbusSettings: Sendable, Equatable {
    public var profileDirectories: [String] = []
    public var buses: [Bus] = []

    public struct Bus: Sendable, Equatable {
        public enum Link: Sendable, Equatable {
            case tcp(String)
            /// A device path (`/dev/ttyUSB0`, a `/dev/serial/by-id` link).
            case rtu(path: String)
            /// Stable adapter attributes (`vendor_id`, `product_id`, `serial`, …), resolved through udev.
            case serial(selector: [String: String])
        }
        public var name: String
        public var link: Link
        public var baud: Int?
        public var parity: String?
        public var dataBits: Int?
        public var stopBits: Int?
        public var pollEvery: Duration = .seconds(1)
        public var backoffLimit: Duration = .seconds(60)
        public var devices: [Device] = []
        public var line: Int?
    }

    public struct Device: Sendable, Equatable {
        public var name: String
        public var profile: String
        public var profileLine: Int?
        public var unitID: Int?
        /// The PDU outlets that feed this node; empty: all of them.
        public var outlets: [Int] = []
        public var responseTimeout: Duration?
        public var retries: Int?
        public var interRequestDelay: Duration?
        public var staleAfter: Duration = .seconds(5)
    }

    public init() {}

    static let pollRange: ClosedRange<Duration> = .milliseconds(100) ... .seconds(300)

    static func read(_ table: TableReader) -> ModbusSettings {
        var settings = ModbusSettings()
        settings.profileDirectories = table.strings("profile_dirs") ?? []
        var busNames: Set<String> = []
        var deviceNames: Set<String> = []
        for busTable in table.tables("bus") {
            guard let bus = readBus(busTable, deviceNames: &deviceNames) else { continue }
            if !busNames.insert(bus.name).inserted { busTable.invalid("name", "bus name \"\(bus.name)\" is used twice") }
            settings.buses.append(bus)
        }
        table.finish()
        return settings
    }

    private static func readBus(_ table: TableReader, deviceNames: inout Set<String>) -> Bus? {
        let name = table.name("name")
        if name == nil && table.table.entry("name") == nil { table.missing("name", "a name for logs, e.g. \"rack-pdu\"") }
        let tcp = table.string("tcp", expected: "HOST:PORT")
        let rtu = table.string("rtu", expected: "a serial device path such as \"/dev/serial/by-id/usb-FTDI_…\"")
        var selector: [String: String]?
        if let entry = table.entry("serial") {
            if case .table(let keys) = entry.value.kind {
                var values: [String: String] = [:]
                for key in keys.entries {
                    switch key.value.kind {
                    case .string(let text): values[key.key] = text
                    case .integer(let number): values[key.key] = String(number)
                    default: table.diagnostics.report(line: key.value.line, key: table.keyPath("serial.\(key.key)"), "expected a string")
                    }
                }
                selector = values
            } else {
                table.wrongType(entry, expected: "an inline table such as { vendor_id = \"0403\", serial = \"A10K1B2C\" }")
            }
        }
        let links = [tcp != nil, rtu != nil, selector != nil].filter { $0 }.count
        if links != 1 {
            table.invalid(
                links == 0 ? "tcp" : "serial",
                links == 0 ? "a bus needs one of tcp = \"HOST:PORT\", rtu = \"/dev/…\" or serial = { … }" : "give only one of tcp, rtu and serial")
        }
        var bus = Bus(name: name ?? "", link: .tcp(""))
        if let tcp { bus.link = .tcp(tcp) } else if let rtu { bus.link = .rtu(path: rtu) } else if let selector { bus.link = .serial(selector: selector) }
        bus.baud = table.integer("baud", in: 300...4_000_000, unit: "baud").map { Int($0) }
        bus.parity = table.choice("parity", from: ["N", "E", "O"])
        bus.dataBits = table.integer("data_bits", in: 7...8).map { Int($0) }
        bus.stopBits = table.integer("stop_bits", in: 1...2).map { Int($0) }
        if case .tcp = bus.link, bus.baud != nil || bus.parity != nil {
            table.invalid("baud", "baud and parity are for serial buses (rtu or serial)")
        }
        if let every = table.duration("poll_every", in: pollRange) { bus.pollEvery = every }
        if let limit = table.duration("backoff_limit", in: .seconds(1) ... .seconds(3600)) { bus.backoffLimit = limit }
        bus.line = table.line
        for deviceTable in table.tables("device") {
            guard let device = readDevice(deviceTable) else { continue }
            if !deviceNames.insert(device.name).inserted { deviceTable.invalid("name", "device name \"\(device.name)\" is used twice") }
            bus.devices.append(device)
        }
        if bus.devices.isEmpty { table.missing("device", "at least one [[modbus.bus.device]]") }
        table.finish()
        return name == nil ? nil : bus
    }

    private static func readDevice(_ table: TableReader) -> Device? {
        let name = table.name("name")
        let profile = table.string("profile", expected: "a profile name such as \"raritan-px3\" (greencap modbus profiles lists them)")
        if table.table.entry("name") == nil { table.missing("name", "a name for logs and readings, e.g. \"pdu-a\"") }
        if table.table.entry("profile") == nil { table.missing("profile", "a profile name such as \"apc-smart-ups\"") }
        var device = Device(name: name ?? "", profile: profile ?? "", profileLine: table.table.entry("profile")?.value.line)
        device.unitID = table.integer("unit_id", in: 0...247).map { Int($0) }
        device.outlets = (table.integers("outlets") ?? []).map { Int($0) }
        if device.outlets.contains(where: { $0 < 1 || $0 > 1024 }) { table.invalid("outlets", "outlets are numbered from 1") }
        device.responseTimeout = table.duration("response_timeout", in: .milliseconds(10) ... .seconds(30))
        device.retries = table.integer("retries", in: 0...10).map { Int($0) }
        device.interRequestDelay = table.duration("inter_request_delay", in: .zero ... .seconds(10))
        if let stale = table.duration("stale_after", in: .milliseconds(200) ... .seconds(3600)) { device.staleAfter = stale }
        table.finish()
        guard name != nil, profile != nil else { return nil }
        return device
    }
}
