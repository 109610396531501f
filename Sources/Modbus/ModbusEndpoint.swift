/// Where a device is reached: a TCP gateway or a serial line.
public enum ModbusEndpoint: Sendable, Hashable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    case rtu(device: String, baud: Int, parity: ConnectionDefaults.Parity, dataBits: Int, stopBits: Int)

    public var description: String {
        switch self {
        case .tcp(let host, let port): host.contains(":") ? "tcp://[\(host)]:\(port)" : "tcp://\(host):\(port)"
        case .rtu(let device, let baud, let parity, let dataBits, let stopBits):
            "rtu://\(device)?\(baud)-\(dataBits)\(parity.rawValue)\(stopBits)"
        }
    }

    public var isSerial: Bool {
        if case .rtu = self { return true }
        return false
    }

    /// Parses `HOST:PORT` or `[V6]:PORT`; the port defaults to 502. Port 0 (any free port) only for listening.
    public static func tcp(_ text: String, defaultPort: Int = 502, listening: Bool = false) -> ModbusEndpoint? {
        var host = Substring(text)
        var port = defaultPort
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if rest.hasPrefix(":") {
                guard let parsed = Int(rest.dropFirst()) else { return nil }
                port = parsed
            } else if !rest.isEmpty {
                return nil
            }
        } else if let colon = host.lastIndex(of: ":") {
            guard let parsed = Int(host[host.index(after: colon)...]) else { return nil }
            port = parsed
            host = host[..<colon]
        }
        guard !host.isEmpty, ((listening ? 0 : 1)...65535).contains(port) else { return nil }
        return .tcp(host: String(host), port: port)
    }

    /// The silence that ends an RTU frame: 3.5 character times, fixed at 1.75 ms above 19200 baud
    /// (Modbus over serial line v1.02 §2.5.1.1). libmodbus does not wait it out between requests.
    public var interFrameSilence: Duration {
        guard case .rtu(_, let baud, let parity, let dataBits, let stopBits) = self else { return .zero }
        if baud > 19200 { return .microseconds(1750) }
        // The standard counts 11 bits per character (8N2 or 8E1); a 10-bit 8N1 line gets the same, safer, gap.
        let bitsPerCharacter = max(11, 1 + dataBits + (parity == .none ? 0 : 1) + stopBits)
        return .microseconds(Int64((3.5 * Double(bitsPerCharacter) * 1_000_000 / Double(baud)).rounded(.up)))
    }
}
