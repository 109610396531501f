import GreencapCore

/// "host:port" or "[v6]:port".
public struct HostPort: Sendable, Equatable {
    public var host: String
    public var port: Int

    /// `listening`: port 0 is allowed (the kernel picks one), as a listen address may ask for.
    public init?(_ text: String, listening: Bool = false) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), ((listening ? 0 : 1)...65535).contains(port) else { return nil }
        self.host = String(host)
        self.port = port
    }
}

extension TableReader {
    /// A listen address, "HOST:PORT" (an IPv6 host in brackets; port 0 lets the kernel choose).
    package func listenAddress(_ key: String, example: String) -> HostPort? {
        guard let text = string(key, expected: "\"HOST:PORT\" such as \"\(example)\"") else { return nil }
        guard let address = HostPort(text, listening: true) else {
            invalid(key, "expected \"HOST:PORT\" with a port from 0 to 65535, such as \"\(example)\", found \"\(text)\"")
            return nil
        }
        return address
    }
}
