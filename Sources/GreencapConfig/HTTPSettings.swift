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
        if let listen = table.string("listen", expected: "\"HOST:PORT\" such as \"127.0.0.1:8080\"") {
            if let (host, port) = Self.parseListen(listen) {
                settings.host = host
                settings.port = port
            } else {
                table.invalid(
                    "listen", "expected \"HOST:PORT\" with a port from 0 to 65535, such as \"127.0.0.1:8080\", found \"\(listen)\"")
            }
        }
        table.finish()
        return settings
    }

    /// "host:port"; an IPv6 host goes in brackets: "[::1]:8080".
    static func parseListen(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        guard let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        return (host, port)
    }
}
