import Foundation
import GreencapTestSupport

/// The independent programs the remote-write tests check against. Each fails loudly when missing:
/// `make test` installs them (scripts/install-deps.sh: prometheus from Debian, cramjam in .venv).
enum Peers {
    static let venvPython = Paths.repository + "/.venv/bin/python3"
    static let prometheus = "/usr/bin/prometheus"

    static func python() throws -> String {
        guard FileManager.default.isExecutableFile(atPath: venvPython) else {
            throw TestFailure("\(venvPython) is missing; `make test` creates it with cramjam (scripts/install-deps.sh)")
        }
        return venvPython
    }

    static func prometheusBinary() throws -> String {
        guard FileManager.default.isExecutableFile(atPath: prometheus) else {
            throw TestFailure("\(prometheus) is missing; `make test` installs the Debian package prometheus (scripts/install-deps.sh)")
        }
        return prometheus
    }

    /// Runs a Python snippet from the venv and returns its output; a non-zero exit is a test failure.
    @discardableResult
    static func runPython(_ script: String, _ arguments: [String]) throws -> String {
        let (status, output) = try Subprocess.run(try python(), ["-c", script] + arguments)
        guard status == 0 else { throw TestFailure("python exited \(status):\n\(output)") }
        return output
    }

    /// A TCP port nobody listens on right now (bound to 0, read back, released).
    static func freeLoopbackPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket: errno \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw TestFailure("bind: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
