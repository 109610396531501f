#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A real unix datagram socket standing in for systemd's notify socket in tests.
public final class NotifyReceiver: @unchecked Sendable {
    /// The value to put in `NOTIFY_SOCKET` (starts with `@` for an abstract socket).
    public let address: String
    private let fd: Int32
    private let lock = NSLock()
    private var received: [String] = []

    /// `abstract`: an abstract-namespace socket; otherwise a filesystem socket in a fresh temp directory.
    public init(abstract: Bool) throws {
        let name = "greencap-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let path = abstract ? "@" + name : try TemporaryDirectory.make().path + "/notify.sock"
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(String(cString: strerror(errno)))") }
        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        if abstract { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1))
        let result = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard result == 0 else {
            close(fd)
            throw TestFailure("bind \(path): \(String(cString: strerror(errno)))")
        }
        var timeout = timeval(tv_sec: 0, tv_usec: 50_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        self.fd = fd
        address = path
    }

    deinit { close(fd) }

    /// Reads whatever has arrived, waiting up to 50 ms; returns all datagrams received so far.
    @discardableResult
    public func drain() -> [String] {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            let text = String(decoding: buffer[0..<count], as: UTF8.self)
            lock.withLock { received.append(text) }
        }
        return lock.withLock { received }
    }

    /// Waits until a datagram satisfies `predicate`; returns it, or nil after `timeout`.
    public func waitFor(timeout: Duration = .seconds(10), _ predicate: (String) -> Bool) -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let match = drain().first(where: predicate) { return match }
        }
        return nil
    }

    /// `waitFor` without holding a thread while it waits: for a daemon that runs in this process, on Swift's
    /// cooperative pool, which blocking waits in other tests can fill (two fill a 2-core machine's pool).
    public func awaitDatagram(timeout: Duration = .seconds(10), _ predicate: (String) -> Bool) async -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let match = drain().first(where: predicate) { return match }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    /// Every line received so far, across datagrams.
    public var lines: [String] { drain().flatMap { $0.split(separator: "\n").map(String.init) } }

    public func count(of line: String) -> Int { lines.filter { $0 == line }.count }

    /// The most recent STATUS= text.
    public var lastStatus: String? {
        lines.last { $0.hasPrefix("STATUS=") }.map { String($0.dropFirst(7)) }
    }
}

public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
