import GreencapConfig
import Logging
import RemoteWrite
import ServiceLifecycle

/// `[remote_write]` → the exporter service (none without a `url`).
enum RemoteWriteExportSetup {
    static func services(_ settings: RemoteWriteSettings, store: SQLiteStore, logger: Logger) throws -> [any Service] {
        guard let url = settings.url else { return [] }
        var authorization = RemoteWriteAuthorization.none
        if let file = settings.bearerTokenFile {
            authorization = .bearer(token: try CredentialFile.read(path: file))
        } else if let user = settings.basicAuthUser, let file = settings.basicAuthPasswordFile {
            authorization = .basic(username: user, password: try CredentialFile.read(path: file))
        }
        // A few quick retries inside one attempt ride out a receiver restart; longer outages are the exporter's
        // to wait out, with its own backoff, so one write never holds on for minutes.
        let configuration = RemoteWriteConfiguration(
            endpoint: url, authorization: authorization, maximumSamplesPerRequest: settings.maxSamplesPerRequest,
            timeout: settings.timeout, backoff: BackoffPolicy(retries: 2, base: .milliseconds(500), cap: .seconds(5)))
        // The client logs every retry; the exporter logs an outage once, so the client's own lines stay quiet.
        let quiet = Logger(label: "greencap.remote-write.client", factory: { _ in SwiftLogNoOpLogHandler() })
        let client = RemoteWriteClient(configuration: configuration, logger: quiet)
        return [
            RemoteWriteExporter(
                store: store, endpoint: url, every: settings.every, maxSamplesPerRequest: settings.maxSamplesPerRequest, logger: logger,
                send: { (series) async throws(RemoteWriteError) in try await client.write(series) })
        ]
    }
}
