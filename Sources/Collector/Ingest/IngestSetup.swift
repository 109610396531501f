import GreencapConfig
import Logging
import ServiceLifecycle

/// Builds the ingest services from `[ingest]` and `[storage]`: the server (with its writer) and retention.
public enum IngestSetup {
    public static func services(
        _ config: CollectorConfig, store: SQLiteStore, logger: Logger, policy: any PolicyProvider = NoPolicyProvider(),
        metrics: CollectorMetrics? = nil
    ) throws -> [any Service] {
        guard config.ingest.enabled else { return [] }
        let telemetry = SQLiteTelemetryStore(store: store)
        let settings = config.storage.telemetry
        let writer = IngestWriter(
            store: telemetry, commitInterval: settings.commitInterval, commitBatches: settings.commitBatches, logger: logger,
            metrics: metrics)
        let ingest = config.ingest
        let tls = try ingest.tlsCertificate.flatMap { certificate in
            try ingest.tlsKey.map { key in try IngestTLS(certificate: certificate, key: key) }
        }
        let server = IngestServer(
            settings: .init(
                host: ingest.host, port: ingest.port, handshakeTimeout: ingest.handshakeTimeout, pingInterval: ingest.pingInterval,
                maxInFlightBatches: ingest.maxInFlightBatches, maxConnections: ingest.maxConnections,
                policyEvery: ingest.policyEvery),
            keyring: NodeKeyring(directory: ingest.keysDirectory), writer: writer, store: telemetry, policy: policy, logger: logger,
            metrics: metrics, tls: tls)
        return [
            server,
            RetentionService(store: store, rawRetention: settings.rawRetention, every: settings.retentionCheck, logger: logger),
        ]
    }
}
