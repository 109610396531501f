import Foundation
import GreencapCore
import GreencapTestSupport
import GridLive
import Logging
import Synchronization

/// A settable wall clock for the pollers (Unix seconds).
final class TestClock: Sendable {
    private let value: Atomic<Int64>
    init(_ start: Int64) { value = Atomic(start) }
    var now: Int64 { value.load(ordering: .relaxed) }
    func set(_ instant: Int64) { value.store(instant, ordering: .relaxed) }
    var read: @Sendable () -> Int64 { { [self] in now } }
}

/// A state directory, a key file (mode 0600) and a replay server: what one poller test needs.
struct LiveRig {
    let directory: TemporaryDirectory
    let server: ReplayServer
    let keyFile: String
    let clock: TestClock
    let logger = Logger(label: "grid-live-test")

    init(now: String) throws {
        directory = try TemporaryDirectory.make()
        server = try ReplayServer()
        keyFile = try directory.write("kpx.key", ReplayServer.key + "\n")
        chmod(keyFile, 0o600)
        guard let instant = Timestamp.parseRFC3339(now) else { throw TestFailure("bad time \(now)") }
        clock = TestClock(instant)
    }

    func settings(_ api: LiveAPI, dataType: GatewayDataType = .json, pageSize: Int? = nil) -> LiveSourceSettings {
        LiveSourceSettings(
            api: api, url: server.base, keyFile: keyFile, dataType: dataType, pageSize: pageSize, timeout: .seconds(5),
            retry: RetryPolicy(retries: 3, base: .milliseconds(10), cap: .milliseconds(50)))
    }

    /// A poller as the collector builds it, with a ledger read from the state directory (a "restart"
    /// makes a new one over the same files).
    func poller(_ settings: LiveSourceSettings) -> LiveSourcePoller {
        LiveSourcePoller(
            settings: settings, transport: HTTPClientTransport(logger: logger), ledger: ledger(), cache: PageCache(directory: directory.path + "/cache"),
            logger: logger, clock: clock.read)
    }

    func ledger() -> QuotaLedger { QuotaLedger(path: directory.path + "/quota.json", logger: logger, now: clock.now) }

    func stop() {
        server.stop()
        directory.remove()
    }
}

func utc(_ text: String) -> Int64 { Timestamp.parseRFC3339(text) ?? -1 }
