import GreencapCore

/// Everything `greencap-agent` reads from `/etc/greencap/agent.toml`. Keys are documented in
/// `docs/configuration.md`; `Config/agent.example.toml` shows each one.
public struct AgentConfig: Sendable, Equatable {
    public static let defaultPath = "/etc/greencap/agent.toml"

    public var node: NodeIdentity
    public var control = ControlSettings()
    /// Period of the control loop (`[control] tick`): the agent samples and enforces every tick.
    public var tick: Duration {
        get { control.tick }
        set { control.tick = newValue }
    }
    public var gpu = GPUSettings()
    public var modbus = ModbusSettings()
    public var uplink = UplinkSettings()
    public var log = LogSettings()

    public static let tickRange = ControlSettings.tickRange

    public init(node: NodeIdentity, tick: Duration = .seconds(1), log: LogSettings = LogSettings()) {
        self.node = node
        self.log = log
        self.control.tick = tick
    }

    /// Loads and validates a file; `text` replaces reading the file (for tests and embedded defaults).
    public static func load(path: String, text: String? = nil) throws(ConfigError) -> AgentConfig {
        try loadConfig(path: path, text: text) { root in
            let nodeTable = root.table("node")
            let id = nodeTable.name("id")
            if nodeTable.table.entry("id") == nil { nodeTable.missing("id", "the node's name, e.g. \"gj-a01-r03-n07\"") }
            let identity = NodeIdentity(
                id: id ?? "", site: nodeTable.name("site"), row: nodeTable.name("row"), rack: nodeTable.name("rack"))
            nodeTable.finish()

            let control = ControlSettings.read(root.table("control"))

            let gpu = GPUSettings.read(root.table("gpu"))
            let modbus = ModbusSettings.read(root.table("modbus"))
            let devices = Set(modbus.buses.flatMap { $0.devices.map(\.name) })
            for (key, name, line) in [("pdu", control.pduDevice, control.pduLine), ("ups", control.upsDevice, control.upsLine)] {
                if let name, !devices.contains(name) {
                    root.diagnostics.report(
                        line: line, key: "control.\(key)",
                        "names Modbus device \"\(name)\", which no [[modbus.bus.device]] defines"
                            + (devices.isEmpty ? "" : " (defined: \(devices.sorted().joined(separator: ", ")))"))
                }
            }
            let uplink = UplinkSettings.read(root.table("uplink"))
            let log = LogSettings.read(root.table("log"))
            guard id != nil else { return nil }
            var config = AgentConfig(node: identity, log: log)
            config.control = control
            config.uplink = uplink
            config.gpu = gpu
            config.modbus = modbus
            return config
        }
    }
}
