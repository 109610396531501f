import Foundation
import GreencapTestSupport
import NIOCore
import Wire

/// A real `greencap-collector` with ingest on a free port, its keys directory and SQLite file in a temp dir.
final class CollectorUnderTest: @unchecked Sendable {
    let directory: TemporaryDirectory
    let keysDirectory: String
    let database: String
    let configPath: String
    private(set) var process: Subprocess?
    private(set) var port = 0
    private(set) var logs = ""

    init(nodes: [String], extraIngest: String = "", extraStorage: String = "") throws {
        directory = try TemporaryDirectory.make()
        keysDirectory = directory.path + "/node-keys"
        database = directory.path + "/collector.sqlite"
        try FileManager.default.createDirectory(atPath: keysDirectory, withIntermediateDirectories: true)
        for node in nodes { try Self.writeKey(node: node, into: keysDirectory) }
        configPath = try directory.write(
            "collector.toml",
            """
            [storage]
            path = "\(database)"
            \(extraStorage)
            [ingest]
            enabled = true
            listen = "127.0.0.1:0"
            keys_dir = "\(keysDirectory)"
            \(extraIngest)
            [http]
            enabled = false
            """)
    }

    /// Deterministic per node, so a test can compute the same key.
    static func keyBytes(node: String) -> [UInt8] {
        var bytes = Array("greencap-test-key-\(node)-".utf8)
        while bytes.count < 32 { bytes.append(0x5A) }
        return bytes
    }

    static func key(node: String) throws -> NodeKey { try NodeKey(bytes: keyBytes(node: node)) }

    static func writeKey(node: String, into directory: String) throws {
        let path = directory + "/" + node + ".key"
        let hex = keyBytes(node: node).map { String(format: "%02x", $0) }.joined()
        try (hex + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o600)
    }

    /// Async waits (Task.sleep, never usleep): the WireSession clients of parallel tests share this process's
    /// cooperative threads, and a blocked thread would stall their handshakes past the collector's timeout.
    func start() async throws {
        let process = try Subprocess(try Paths.executable("greencap-collector"), [configPath])
        self.process = process
        guard await Self.poll(timeout: .seconds(20), { process.text.contains("ingest listening") }) else {
            throw TestFailure("collector did not start ingest:\n\(process.text)")
        }
        let text = process.text
        guard let range = text.range(of: #"ingest listening [^\n]* port=(\d+)"#, options: .regularExpression),
            let port = Int(text[range].split(separator: "=").last ?? "")
        else { throw TestFailure("no port in the log:\n\(text)") }
        self.port = port
    }

    var text: String { logs + (process?.text ?? "") }

    func kill() {
        guard let process else { return }
        process.signal(SIGKILL)
        process.wait(timeout: .seconds(10))
        logs += process.text
        self.process = nil
    }

    @discardableResult
    func stop() async -> Int32 {
        guard let process else { return -1 }
        process.signal(SIGTERM)
        _ = await Self.poll(timeout: .seconds(20)) { !process.isRunning }
        let status = process.wait(timeout: .seconds(1))
        logs += process.text
        self.process = nil
        return status
    }

    func waitForLog(_ needle: String, timeout: Duration = .seconds(10)) async -> Bool {
        guard let process else { return false }
        return await Self.poll(timeout: timeout) { process.text.contains(needle) }
    }

    static func poll(timeout: Duration, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    /// Through the sqlite3 shell: an independent reader of the file.
    func sql(_ query: String) throws -> String {
        let result = try Subprocess.run("/usr/bin/env", ["sqlite3", database, query])
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func sqlInt(_ query: String) throws -> Int { Int(try sql(query)) ?? -1 }

    deinit {
        process?.signal(SIGKILL)
        directory.remove()
    }
}

/// A peer speaking raw bytes over a blocking socket: for input no well-behaved client would send.
final class RawPeer {
    let descriptor: Int32
    private var buffer = ByteBufferAllocator().buffer(capacity: 4096)

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw TestFailure("connect failed: \(errno)") }
    }

    deinit { close(descriptor) }

    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    func send(_ message: WireMessage) throws {
        let buffer = try WireCodec().encode(message)
        send(Array(buffer.readableBytesView))
    }

    /// The next message, or nil at end of stream / timeout.
    func next(timeout: Double = 5) -> WireMessage? {
        let reader = FrameReader()
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let frame = try? reader.next(from: &buffer), let message = try? WireCodec().decode(frame) { return message }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return nil }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(left * 1000)) > 0 else { return nil }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let got = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard got > 0 else { return nil }
            buffer.writeBytes(chunk.prefix(got))
        }
    }

    /// Reads until the collector closes; returns the messages seen (a close frame among them, usually).
    func readUntilClosed(timeout: Double = 5) -> (messages: [WireMessage], closed: Bool) {
        var messages: [WireMessage] = []
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let message = next(timeout: deadline.timeIntervalSinceNow) {
                messages.append(message)
                continue
            }
            return (messages, isEOF())
        }
        return (messages, false)
    }

    private func isEOF() -> Bool {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, 0) > 0 else { return false }
        var byte: UInt8 = 0
        return recv(descriptor, &byte, 1, Int32(MSG_PEEK)) <= 0
    }
}
