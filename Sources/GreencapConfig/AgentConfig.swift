import GreencapCore

/// Everything `greencap-agent` reads from `/etc/greencap/agent.toml`. Keys are documented in
/// `docs/configuration.md`; `Config/agent.example.toml` shows each one.
public struct AgentConfig: Sendable, Equatable {
    public static let defaultPath = "/etc/greencap/agent.toml"

    public var node: NodeIdentity
    /// Period of the control loop: the agent samples and (once the controller lands) enforces every tick.
    public var tick: Duration = .seconds(1)
    public var gpu = GPUSettings()
    public var modbus = ModbusSettings()
    public var log = LogSettings()

    public static let tickRange: ClosedRange<Duration> = .milliseconds(100) ... .seconds(10)

    public init(node: NodeIdentity, tick: Duration = .seconds(1), log: LogSettings = LogSettings()) {
        self.node = node
        self.tick = tick
        self.log = log
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

            let control = root.table("control")
            let tick = control.duration("tick", in: tickRange)
            control.finish()

            let gpu = GPUSettings.read(root.table("gpu"))
            let modbus = ModbusSettings.read(root.table("modbus"))
            let log = LogSettings.read(root.table("log"))
            guard id != nil else { return nil }
            var config = AgentConfig(node: identity, log: log)
            if let tick { config.tick = tick }
            config.gpu = gpu
            config.modbus = modbus
            return config
        }
    }
}
