import Foundation

/// The demo's binary-protocol link: a key per node (in the collector's keys directory and beside each agent's
/// config, mode 0600) and a free loopback port for the collector's ingest listener.
struct DemoUplink {
    let keysDirectory: String
    let port: Int

    init(state: String, nodes: [String]) throws(DemoError) {
        keysDirectory = state + "/node-keys"
        do {
            try? FileManager.default.removeItem(atPath: keysDirectory)
            try? FileManager.default.removeItem(atPath: state + "/spool")
            try FileManager.default.createDirectory(atPath: keysDirectory, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(path: keysDirectory, reason: error.localizedDescription)
        }
        var generator = SystemRandomNumberGenerator()
        for node in nodes {
            let hex = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
            for path in [keysDirectory + "/\(node).key", state + "/config/\(node).key"] {
                try DemoFiles.write(hex + "\n", to: path)
                chmod(path, 0o600)
            }
        }
        port = try Self.freePort()
    }

    /// Binds port 0 and gives back what the kernel chose; the collector binds it a moment later.
    static func freePort() throws(DemoError) -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(descriptor, pointer, length) == 0 else { return -1 }
                return getsockname(descriptor, pointer, &length)
            }
        }
        guard result == 0 else { throw .cannotWrite(path: "127.0.0.1:0", reason: "no free port: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    var collectorConfig: String {
        """
        [ingest]
        enabled = true
        listen = "127.0.0.1:\(port)"
        keys_dir = "\(keysDirectory)"
        """
    }

    func agentConfig(state: String, node: String) -> String {
        """
        [uplink]
        collector = "127.0.0.1:\(port)"
        key_file = "\(state)/config/\(node).key"
        spool_dir = "\(state)/spool/\(node)"
        batch = "5s"
        """
    }
}
