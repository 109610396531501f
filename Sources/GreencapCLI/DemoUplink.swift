import Foundation
import GreencapCore

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
        guard let port = LoopbackPort.unused() else {
            throw .cannotWrite(path: "127.0.0.1:0", reason: "no free loopback port: \(String(cString: strerror(errno)))")
        }
        self.port = port
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
