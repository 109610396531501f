import GreencapCore
import Synchronization

/// The latest state of one device: its last good readings and whether it is answering now.
public struct DeviceSnapshot: Sendable {
    public enum Health: Sendable, Equatable {
        case answering
        case failing(reason: String, since: Int64, consecutive: Int)
        case notYetRead
    }

    public var device: String
    public var profile: String
    public var endpoint: String
    public var unitID: UInt8
    public var health: Health
    /// Unix milliseconds of the last successful poll.
    public var lastRead: Int64?
    public var readings: [Reading]
    public var polls: Int
    /// Failed polls by kind (`timeout`, `exception-2`, `bad-crc`, …).
    public var failures: [String: Int]
    public var staleAfter: Duration

    /// The readings as of `now`: everything goes stale once the last good poll is older than `staleAfter`.
    public func readings(at now: Int64) -> [Reading] {
        guard let lastRead else { return [] }
        guard now - lastRead > staleAfter.wholeMilliseconds else { return readings }
        return readings.map { reading in
            var stale = reading
            if stale.quality == .good { stale.quality = .stale }
            return stale
        }
    }
}

/// Every device's latest snapshot, written by bus threads and read by the agent loop and the CLI.
public final class ModbusReadings: Sendable {
    private let snapshots = Mutex<[String: DeviceSnapshot]>([:])

    public init() {}

    func update(_ device: String, _ change: (inout DeviceSnapshot) -> Void, create: () -> DeviceSnapshot) {
        snapshots.withLock { table in
            var snapshot = table[device] ?? create()
            change(&snapshot)
            table[device] = snapshot
        }
    }

    public func snapshot(_ device: String) -> DeviceSnapshot? { snapshots.withLock { $0[device] } }

    public func all() -> [DeviceSnapshot] { snapshots.withLock { Array($0.values) }.sorted { $0.device < $1.device } }
}
