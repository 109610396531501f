/// `[http]`: the collector's read-only HTTP API and Prometheus `/metrics` (docs/collector.md, "HTTP API").
public struct HTTPSettings: Sendable, Equatable {
    /// On by default: the default address is loopback only, so nothing is exposed until `listen` says so.
    public var enabled = true
    public var host = "127.0.0.1"
    /// 0 picks a free port (tests); the chosen port is logged as "http listening".
    public var port = 8080

    public init() {}

    package static func read(_ table: TableReader) -> HTTPSettings {
        var settings = HTTPSettings()
        if let enabled = table.boolean("enabled") { settings.enabled = enabled }
        if let address = table.listenAddress("listen", example: "127.0.0.1:8080") {
            settings.host = address.host
            settings.port = address.port
        }
        table.finish()
        return settings
    }
}
