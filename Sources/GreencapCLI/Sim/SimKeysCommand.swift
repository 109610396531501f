import ArgumentParser
import Foundation

/// `greencap sim keys`: one key file per simulated node, for the collector's `keys_dir` and for `sim fleet`.
struct SimKeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Write node key files (<prefix><n>.key, 32 random bytes as hex, mode 0600) for simulated nodes.")

    @Option(help: "How many nodes.")
    var nodes: Int

    @Option(help: "Directory to write into (created 0700 if missing).")
    var out: String

    @Option(help: "Node id prefix; ids are <prefix>0001, <prefix>0002, …")
    var prefix = "sim-"

    func validate() throws {
        guard (1...100_000).contains(nodes) else { throw ValidationError("--nodes must be 1…100000") }
    }

    func run() throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var generator = SystemRandomNumberGenerator()
        for index in 1...nodes {
            let path = out + "/" + SimFleetNodes.id(prefix: prefix, index: index) + ".key"
            let hex = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
            // Created 0600 from the start: the key is never readable by others, not even briefly.
            let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw ValidationError("cannot write \(path): \(String(cString: strerror(errno)))") }
            fchmod(descriptor, 0o600)
            let line = hex + "\n"
            _ = line.withCString { write(descriptor, $0, strlen($0)) }
            close(descriptor)
        }
        print("wrote \(nodes) key files to \(out)")
    }
}

enum SimFleetNodes {
    static func id(prefix: String, index: Int) -> String { prefix + String(format: "%04d", index) }
}
