import Foundation
import SerialPorts
import Synchronization

/// What the monitor tests look at from outside: this process's threads and descriptors, and its stream.
enum MonitorProbes {
    static var isRoot: Bool { getuid() == 0 }
    /// udevd creates its control socket here; without it, nothing sends udev-format events.
    static var udevdRunning: Bool { access("/run/udev/control", F_OK) == 0 }

    static func threadExists(_ id: Int32) -> Bool {
        access("/proc/self/task/\(id)", F_OK) == 0
    }

    /// What each descriptor is ("socket:[1234]", "pipe:[5678]"): unique per open file, unlike the number.
    static func identities(of descriptors: [Int32]) -> Set<String> {
        Set(descriptors.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)") })
    }

    static func openIdentities() -> Set<String> {
        let numbers = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return identities(of: numbers.compactMap { Int32($0) })
    }

    /// Polls `condition` until it holds or `limit` passes.
    static func eventually(within limit: Duration = .seconds(5), _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    /// Events from `stream` until it finishes or `limit` passes; `finished` says which.
    static func drain(
        _ stream: AsyncStream<SerialPortEvent>, within limit: Duration = .seconds(5)
    ) async -> (events: [SerialPortEvent], finished: Bool) {
        await withTaskGroup(of: (events: [SerialPortEvent], finished: Bool)?.self) { group in
            group.addTask {
                var events: [SerialPortEvent] = []
                for await event in stream { events.append(event) }
                return Task.isCancelled ? nil : (events, true)
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? ([], false)
        }
    }

    /// The first `count` events `accept` takes, skipping others, or fewer when `limit` passes first.
    ///
    /// Iterating ends the stream when it stops (AsyncStream's rule), and with it the monitor, so each
    /// monitor is read this way once.
    static func collect(
        _ count: Int, from stream: AsyncStream<SerialPortEvent>, within limit: Duration = .seconds(5),
        where accept: @escaping @Sendable (SerialPortEvent) -> Bool = { _ in true }
    ) async -> [SerialPortEvent] {
        let collected = EventLog()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in stream where accept(event) {
                    if collected.events.withLock({ $0.append(event); return $0.count >= count }) { return }
                }
            }
            group.addTask { try? await Task.sleep(for: limit) }
            await group.next()
            group.cancelAll()
        }
        return collected.events.withLock { $0 }
    }
}

/// Events gathered by one task and read by another after it ends.
private final class EventLog: Sendable {
    let events = Mutex<[SerialPortEvent]>([])
}
