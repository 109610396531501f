/// `[ingest]`: the collector's binary-protocol listener (docs/collector.md).
public struct IngestSettings: Sendable, Equatable {
    /// Off by default, so a collector without node keys starts as before.
    public var enabled = false
    public var host = "0.0.0.0"
    /// 0 picks a free port (tests); the chosen port is logged as "ingest listening".
    public var port = 7070
    /// One `<node-id>.key` per node, mode 0600, owned by the service user.
    public var keysDirectory = "/etc/greencap/node-keys"
    /// A peer that has not authenticated within this is closed.
    public var handshakeTimeout: Duration = .seconds(10)
    /// Agents ping this often; an authenticated peer silent for 3× this is closed.
    public var pingInterval: Duration = .seconds(10)
    /// Batches of one connection waiting for their commit; beyond this the connection stops being read.
    public var maxInFlightBatches = 32
    public var maxConnections = 10_000
    /// Ask the policy provider again this often (and on every change it reports).
    public var policyEvery: Duration = .seconds(30)
    /// TLS on the listener: a PEM certificate chain and its private key (mode 0600, owned by the collector's
    /// user). Both or neither; without them the protocol runs in the clear, authenticated but readable.
    public var tlsCertificate: String?
    public var tlsKey: String?

    public init() {}

    public static let handshakeRange: ClosedRange<Duration> = .milliseconds(100)...(.seconds(120))
    public static let pingRange: ClosedRange<Duration> = .milliseconds(100)...(.seconds(600))
    public static let policyRange: ClosedRange<Duration> = .milliseconds(100)...(.seconds(3600))

    package static func read(_ table: TableReader) -> IngestSettings {
        var settings = IngestSettings()
        if let enabled = table.boolean("enabled") { settings.enabled = enabled }
        if let address = table.listenAddress("listen", example: "0.0.0.0:7070") {
            settings.host = address.host
            settings.port = address.port
        }
        if let directory = table.string("keys_dir", expected: "a directory path") {
            if directory.isEmpty { table.invalid("keys_dir", "expected a directory path, found an empty string") }
            settings.keysDirectory = directory
        }
        if let value = table.duration("handshake_timeout", in: handshakeRange) { settings.handshakeTimeout = value }
        if let value = table.duration("ping_interval", in: pingRange) { settings.pingInterval = value }
        if let value = table.integer("max_in_flight_batches", in: 1...4096, unit: "batches") { settings.maxInFlightBatches = Int(value) }
        if let value = table.integer("max_connections", in: 1...1_000_000, unit: "connections") { settings.maxConnections = Int(value) }
        if let value = table.duration("policy_every", in: policyRange) { settings.policyEvery = value }
        settings.tlsCertificate = table.path("tls_certificate", expected: "a PEM certificate chain")
        settings.tlsKey = table.path("tls_key", expected: "the certificate's PEM private key")
        switch (settings.tlsCertificate, settings.tlsKey) {
        case (.some, nil): table.invalid("tls_key", "tls_certificate is set, so tls_key must name its private key")
        case (nil, .some): table.invalid("tls_certificate", "tls_key is set, so tls_certificate must name its certificate chain")
        default: break
        }
        table.finish()
        return settings
    }
}

/// `[storage]` keys for telemetry: how writes are batched and how long raw samples are kept.
public struct TelemetryStorageSettings: Sendable, Equatable {
    /// A transaction commits at the latest this long after its first batch arrived…
    public var commitInterval: Duration = .milliseconds(50)
    /// …or as soon as it holds this many batches.
    public var commitBatches = 512
    /// Raw chunks older than this are folded into 1-minute mean/min/max rows and deleted.
    public var rawRetention: Duration = .seconds(7 * 24 * 3600)
    /// How often the retention job runs.
    public var retentionCheck: Duration = .seconds(60)

    public init() {}

    public static let retentionRange: ClosedRange<Duration> = .seconds(60)...(.seconds(10 * 365 * 24 * 3600))

    package static func read(into settings: inout TelemetryStorageSettings, _ table: TableReader) {
        if let value = table.duration("commit_interval", in: .milliseconds(1)...(.seconds(5))) { settings.commitInterval = value }
        if let value = table.integer("commit_batches", in: 1...100_000, unit: "batches") { settings.commitBatches = Int(value) }
        if let value = table.duration("raw_retention", in: retentionRange) { settings.rawRetention = value }
        if let value = table.duration("retention_check", in: .milliseconds(100)...(.seconds(86_400))) { settings.retentionCheck = value }
    }
}
