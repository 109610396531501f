import Agent
@testable import Daemon
import GreencapConfig
import GreencapCore
import GreencapTestSupport
import Logging
import Synchronization
import Testing

@Suite struct SystemdNotifierTests {
    @Test(arguments: [true, false])
    func datagramsArriveOnARealSocket(abstract: Bool) throws {
        let receiver = try NotifyReceiver(abstract: abstract)
        let notifier = SystemdNotifier(socketPath: receiver.address)
        #expect(notifier.notify(.ready, .status("first work done")) == nil)
        #expect(notifier.notify(.watchdog) == nil)
        #expect(notifier.notify(.status("two\nlines")) == nil)
        #expect(notifier.notify(.stopping) == nil)
        let datagrams = receiver.drain()
        #expect(datagrams == ["READY=1\nSTATUS=first work done", "WATCHDOG=1", "STATUS=two lines", "STOPPING=1"])
    }

    @Test func reloadingCarriesMonotonicTimestamp() throws {
        let receiver = try NotifyReceiver(abstract: true)
        SystemdNotifier(socketPath: receiver.address).notify(.reloading)
        let message = try #require(receiver.drain().first)
        #expect(message.hasPrefix("RELOADING=1\nMONOTONIC_USEC="))
        #expect(UInt64(message.split(separator: "=").last ?? "") ?? 0 > 0)
    }

    @Test func disabledWithoutSocketAndReportsDeadSocket() {
        #expect(SystemdNotifier(socketPath: nil).notify(.ready) == nil)
        #expect(SystemdNotifier(socketPath: "").isEnabled == false)
        #expect(SystemdNotifier(socketPath: "/nonexistent/notify.sock").notify(.ready) != nil)
    }
}

/// A switch the test flips to make the agent's tick work hang, as a stuck driver call would.
final class StallSwitch: Sendable {
    private let stalled = Atomic<Bool>(false)
    private let hung = Atomic<Bool>(false)
    func set(_ value: Bool) { stalled.store(value, ordering: .relaxed) }
    var isStalled: Bool { stalled.load(ordering: .relaxed) }

    /// The tick's work, hanging while the switch is on.
    func work() async throws {
        while isStalled {
            hung.store(true, ordering: .relaxed)
            try await Task.sleep(for: .milliseconds(5))
        }
        hung.store(false, ordering: .relaxed)
    }

    /// Waits until a tick is hanging: from then on the heartbeat cannot move.
    func awaitHang() async {
        while !hung.load(ordering: .relaxed) { try? await Task.sleep(for: .milliseconds(5)) }
    }
}

extension NotifyReceiver {
    /// Waits (without holding a thread) until `line` has come `count` times.
    func awaitCount(of line: String, atLeast count: Int, timeout: Duration = .seconds(30)) async -> Int {
        let deadline = ContinuousClock.now + timeout
        var seen = self.count(of: line)
        while seen < count, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
            seen = self.count(of: line)
        }
        return seen
    }
}

@Suite struct WatchdogTests {
    @Test func pingsOnlyWhileTheAgentLoopMakesProgress() async throws {
        let receiver = try NotifyReceiver(abstract: true)
        let notifier = SystemdNotifier(socketPath: receiver.address)
        let heartbeat = Heartbeat()
        let stall = StallSwitch()
        let logger = Logger(label: "test")
        let config = ConfigBox(AgentConfig(node: NodeIdentity(id: "t1"), tick: .milliseconds(100)))
        let loop = AgentLoop(config: config, heartbeat: heartbeat, notifier: notifier, logger: logger) { _, _ in
            try await stall.work()
            return TickReport(summary: "ok")
        }
        let watchdog = WatchdogService(interval: .milliseconds(400), heartbeat: heartbeat, notifier: notifier, logger: logger)

        // Event-driven waits: on a loaded machine (the whole suite in parallel on two cores) ticks and pings come
        // late, but never a ping without progress.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await loop.run() }
            group.addTask { try await watchdog.run() }

            #expect(await receiver.awaitDatagram(timeout: .seconds(60)) { $0.contains("READY=1") } != nil)
            let running = await receiver.awaitCount(of: "WATCHDOG=1", atLeast: 3)
            #expect(running >= 3, "pings while ticking: \(running)")

            stall.set(true)
            await stall.awaitHang()
            // The watchdog may still report the last completed tick, once, within its interval (400 ms).
            try await Task.sleep(for: .seconds(1))
            let atStall = receiver.count(of: "WATCHDOG=1")
            try await Task.sleep(for: .seconds(1.2))
            #expect(receiver.count(of: "WATCHDOG=1") == atStall, "a stalled loop must not be reported alive")

            stall.set(false)
            let resumed = await receiver.awaitCount(of: "WATCHDOG=1", atLeast: atStall + 1)
            #expect(resumed > atStall, "pings resume with progress")
            group.cancelAll()
        }
    }
}

@Suite struct ConfigReloadTests {
    @Test func brokenConfigIsRejectedAndTheOldOneStays() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let path = try directory.write("agent.toml", "[node]\nid = \"first\"\n")
        let receiver = try NotifyReceiver(abstract: true)
        let box = ConfigBox(try AgentConfig.load(path: path))
        let reloader = ReloadHarness(box: box, path: path, notifier: SystemdNotifier(socketPath: receiver.address))

        _ = try directory.write("agent.toml", "[node]\nid = \"second\"\n[control]\ntick = \"250ms\"\n")
        #expect(reloader.reload())
        #expect(box.current.node.id == "second")
        #expect(box.current.tick == .milliseconds(250))

        _ = try directory.write("agent.toml", "[node]\nid = \"third\"\n[control]\ntick = \"forever\"\n")
        #expect(!reloader.reload())
        #expect(box.current.node.id == "second", "the configuration in force stays")
        #expect(box.current.tick == .milliseconds(250))

        let lines = receiver.lines
        #expect(lines.filter { $0 == "RELOADING=1" }.count == 2)
        #expect(lines.filter { $0 == "READY=1" }.count == 2, "systemd must leave the reloading state either way")
    }
}

/// Drives the reload path without a signal.
struct ReloadHarness {
    let reloader: ConfigReloader<AgentConfig>

    init(box: ConfigBox<AgentConfig>, path: String, notifier: SystemdNotifier) {
        reloader = ConfigReloader(
            box: box, notifier: notifier, logger: Logger(label: "test"),
            load: { () throws(ConfigError) -> AgentConfig in try AgentConfig.load(path: path) })
    }

    func reload() -> Bool { reloader.reload() }
}
