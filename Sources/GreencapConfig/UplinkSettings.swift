import GreencapCore

/// `[uplink]` in agent.toml: where the agent sends telemetry, events and audit records, and how much it
/// keeps on disk while the collector is away.
public struct UplinkSettings: Sendable, Equatable {
    /// `host:port` of the collector's ingest listener; none: the agent runs standalone (policy file only).
    public var collector: String?
    /// The node's key file (one line of hex or base64, mode 0600/0400, owned by the agent's user).
    public var keyFile: String = "/etc/greencap/node.key"
    /// A systemd credential (`LoadCredential=`) to read the key from instead of `key_file`.
    public var keyCredential: String?
    /// The on-disk spool (docs/spool.md).
    public var spoolDirectory: String = "/var/lib/greencap/spool"
    public var spoolLimitBytes: Int64 = 64 << 20
    /// How many seconds of samples go into one batch.
    public var batch: Duration = .seconds(10)
    /// TLS to the collector (its `[ingest] tls_certificate`): off by default.
    public var tls = false
    /// PEM trust roots for the collector's certificate; none: the system's roots.
    public var tlsCA: String?
    /// The name the collector's certificate must carry; none: the host of `collector`.
    public var tlsServerName: String?

    public init() {}

    static func read(_ table: TableReader) -> UplinkSettings {
        var settings = UplinkSettings()
        if let address = table.string("collector", expected: "\"HOST:PORT\" of the collector's ingest listener") {
            if HostPort(address) == nil {
                table.invalid("collector", "expected \"HOST:PORT\" such as \"collector.gwangju:7531\", found \"\(address)\"")
            } else {
                settings.collector = address
            }
        }
        if let path = table.string("key_file", expected: "a path to the node's key file") {
            if path.isEmpty { table.invalid("key_file", "expected a path, found an empty string") } else { settings.keyFile = path }
        }
        settings.keyCredential = table.name("key_credential")
        if let path = table.string("spool_dir", expected: "a directory for the on-disk spool") {
            if path.isEmpty { table.invalid("spool_dir", "expected a path, found an empty string") } else { settings.spoolDirectory = path }
        }
        if let mebibytes = table.integer("spool_limit_mib", in: 1...65536, unit: "MiB") { settings.spoolLimitBytes = mebibytes << 20 }
        if let batch = table.duration("batch", in: .seconds(1) ... .seconds(60)) { settings.batch = batch }
        if let tls = table.boolean("tls") { settings.tls = tls }
        settings.tlsCA = table.path("tls_ca", expected: "a PEM file of trust roots")
        settings.tlsServerName = table.name("tls_server_name")
        if !settings.tls, settings.tlsCA != nil || settings.tlsServerName != nil {
            table.invalid("tls", "tls_ca or tls_server_name is set but tls is not; add tls = true")
        }
        table.finish()
        return settings
    }
}
