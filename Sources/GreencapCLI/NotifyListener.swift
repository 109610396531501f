#if canImport(Glibc)
import Glibc
#endif
import Daemon
import Foundation
import Synchronization

/// What a supervised daemon has told us over its notify socket.
struct NotifyRecord: Sendable {
    var ready = false
    var stopping = false
    var status = ""
    /// The last STATUS sent before STOPPING: what the daemon was doing while it ran.
    var runningStatus = ""
    var watchdogPings = 0
    var lastWatchdog: ContinuousClock.Instant?
}

/// Plays systemd's part for the demo: one abstract `NOTIFY_SOCKET` per child, read on a thread of its
/// own, collecting READY/STATUS/WATCHDOG/STOPPING exactly as the daemons send them under systemd.
final class NotifyListener: Sendable {
    private struct Endpoint: Sendable {
        let name: String
        let fd: Int32
        let address: String
    }

    private let endpoints: [Endpoint]
    private let records: Mutex<[String: NotifyRecord]>
    private let running = Atomic<Bool>(true)

    init(names: [String], prefix: String) throws(DemoError) {
        var endpoints: [Endpoint] = []
        for name in names {
            let address = "@\(prefix)-\(name)"
            guard let socketAddress = UnixSocketAddress(address) else {
                throw .socket(address: address, reason: "longer than \(UnixSocketAddress.capacity - 1) bytes")
            }
            guard let fd = UnixSocketAddress.datagramSocket() else {
                throw .socket(address: address, reason: UnixSocketAddress.lastError())
            }
            guard socketAddress.withSockaddr({ bind(fd, $0, $1) }) == 0 else {
                let reason = UnixSocketAddress.lastError()
                close(fd)
                throw .socket(address: address, reason: reason)
            }
            endpoints.append(Endpoint(name: name, fd: fd, address: address))
        }
        self.endpoints = endpoints
        records = Mutex(Dictionary(uniqueKeysWithValues: names.map { ($0, NotifyRecord()) }))
        Thread.detachNewThread { [self] in receiveLoop() }
    }

    func address(of name: String) -> String? { endpoints.first { $0.name == name }?.address }

    func record(of name: String) -> NotifyRecord { records.withLock { $0[name] ?? NotifyRecord() } }

    func stop() {
        running.store(false, ordering: .relaxed)
    }

    private func receiveLoop() {
        var pollSet = endpoints.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while running.load(ordering: .relaxed) {
            guard poll(&pollSet, nfds_t(pollSet.count), 100) > 0 else { continue }
            for (index, entry) in pollSet.enumerated() where entry.revents & Int16(POLLIN) != 0 {
                let count = buffer.withUnsafeMutableBytes { recv(entry.fd, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { continue }
                apply(String(decoding: buffer[0..<count], as: UTF8.self), to: endpoints[index].name)
            }
        }
        endpoints.forEach { close($0.fd) }
    }

    private func apply(_ datagram: String, to name: String) {
        let now = ContinuousClock.now
        records.withLock { all in
            var record = all[name] ?? NotifyRecord()
            for line in datagram.split(separator: "\n") {
                switch line {
                case "READY=1": record.ready = true
                case "STOPPING=1": record.stopping = true
                case "WATCHDOG=1":
                    record.watchdogPings += 1
                    record.lastWatchdog = now
                default:
                    if line.hasPrefix("STATUS=") {
                        record.status = String(line.dropFirst(7))
                        if !record.stopping { record.runningStatus = record.status }
                    }
                }
            }
            all[name] = record
        }
    }
}
