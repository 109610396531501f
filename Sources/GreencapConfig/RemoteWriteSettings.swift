/// `[remote_write]`: the collector exports the telemetry it stores to a Prometheus remote-write 1.0 receiver
/// (docs/remote-write.md, "Collector export"). No `url`: no export.
public struct RemoteWriteSettings: Sendable, Equatable {
    /// The receiver's write URL, e.g. `http://prometheus:9090/api/v1/write`; nil turns export off.
    public var url: String?
    /// How often the exporter looks for newly stored chunks.
    public var every: Duration = .seconds(10)
    /// Prometheus' own `max_samples_per_send`.
    public var maxSamplesPerRequest = 2000
    /// One attempt, connection included. A receiver that is down costs this much per attempt, because
    /// AsyncHTTPClient retries a refused connect until the deadline.
    public var timeout: Duration = .seconds(10)
    public var bearerTokenFile: String?
    public var basicAuthUser: String?
    public var basicAuthPasswordFile: String?

    public init() {}

    public var enabled: Bool { url != nil }

    public static let everyRange: ClosedRange<Duration> = .milliseconds(100)...(.seconds(3600))
    public static let timeoutRange: ClosedRange<Duration> = .milliseconds(100)...(.seconds(300))

    package static func read(_ table: TableReader) -> RemoteWriteSettings {
        var settings = RemoteWriteSettings()
        if let url = table.string("url", expected: "an http(s) URL such as \"http://prometheus:9090/api/v1/write\"") {
            if Self.hasHost(url) {
                settings.url = url
            } else {
                table.invalid("url", "expected an http:// or https:// URL with a host, such as \"http://prometheus:9090/api/v1/write\", found \"\(url)\"")
            }
        }
        if let value = table.duration("every", in: everyRange) { settings.every = value }
        if let value = table.integer("max_samples_per_request", in: 1...1_000_000, unit: "samples") {
            settings.maxSamplesPerRequest = Int(value)
        }
        if let value = table.duration("timeout", in: timeoutRange) { settings.timeout = value }
        settings.bearerTokenFile = credentialPath(table, "bearer_token_file")
        settings.basicAuthUser = table.string("basic_auth_user", expected: "a user name")
        if settings.basicAuthUser?.isEmpty == true {
            table.invalid("basic_auth_user", "expected a user name, found an empty string")
            settings.basicAuthUser = nil
        }
        settings.basicAuthPasswordFile = credentialPath(table, "basic_auth_password_file")
        if settings.bearerTokenFile != nil && (settings.basicAuthUser != nil || settings.basicAuthPasswordFile != nil) {
            table.invalid("bearer_token_file", "set either bearer_token_file or basic_auth_user + basic_auth_password_file, not both")
        }
        if settings.basicAuthUser != nil && settings.basicAuthPasswordFile == nil {
            table.missing("basic_auth_password_file", "a file holding the password when basic_auth_user is set")
        }
        if settings.basicAuthUser == nil && settings.basicAuthPasswordFile != nil {
            table.missing("basic_auth_user", "the user name that goes with basic_auth_password_file")
        }
        table.finish()
        return settings
    }

    /// A secret's file is checked when the config is loaded, so `--check-config` and a reload report a bad
    /// one at its key's line; the exporter reads it again when it starts.
    private static func credentialPath(_ table: TableReader, _ key: String) -> String? {
        guard let path = table.string(key, expected: "a file path") else { return nil }
        do {
            _ = try CredentialFile.read(path: path)
        } catch {
            table.invalid(key, "\(error)")
        }
        return path
    }

    private static func hasHost(_ url: String) -> Bool {
        for scheme in ["http://", "https://"] where url.hasPrefix(scheme) {
            let rest = url.dropFirst(scheme.count)
            let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            return !authority.isEmpty && !authority.hasPrefix(":")
        }
        return false
    }
}
