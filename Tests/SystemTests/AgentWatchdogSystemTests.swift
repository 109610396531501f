import Foundation
import GreencapTestSupport
import Testing

/// The real `greencap-agent` under a watchdog, with its control loop stalled the way a sick GPU stalls it: an
/// NVML call that does not come back (the simulator's `slow_ms`, read by the library on its next call). The
/// agent must stop sending WATCHDOG=1 while no tick completes — so systemd would restart it — and send it again
/// once ticks complete. The in-process version with a stubbed tick is `WatchdogTests` (DaemonTests).
@Suite(.serialized) struct AgentWatchdogSystemTests {
    @Test func pingsStopWhileAnNVMLCallHangsAndResumeWhenItReturns() throws {
        let nvml = try SimulatedNVML()
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let config = try directory.write("agent.toml", """
            [node]
            id = "wd-n01"
            [control]
            tick = "200ms"
            [gpu]
            nvml_library = "\(nvml.libraryPath)"
            """)
        let receiver = try NotifyReceiver(abstract: true)
        // WATCHDOG_USEC as systemd sets it for WatchdogSec=1s: the agent checks its heartbeat every 0.5 s.
        let agent = try Subprocess(
            try Paths.executable("greencap-agent"), ["--config", config],
            environment: ["NOTIFY_SOCKET": receiver.address, "WATCHDOG_USEC": "1000000"])
        defer { if agent.isRunning { agent.signal(SIGKILL) } }
        let log = { "\(receiver.lines)\n\(agent.text)" }

        #expect(receiver.waitFor { $0.contains("READY=1") } != nil, "\(log())")
        Thread.sleep(forTimeInterval: 2)
        let healthy = receiver.count(of: "WATCHDOG=1")
        #expect(healthy >= 3, "a ticking agent pings every 0.5 s: \(healthy) pings in 2 s\n\(log())")

        // Every NVML call now takes 4 s, and a tick makes dozens: the loop is stuck inside its GPU read.
        try nvml.update("slow_ms = 4000\n")
        #expect(agent.waitForOutput("withholding WATCHDOG=1", timeout: .seconds(5)), "\(log())")
        let atStall = receiver.count(of: "WATCHDOG=1")
        Thread.sleep(forTimeInterval: 3)
        let duringStall = receiver.count(of: "WATCHDOG=1")
        #expect(duringStall == atStall, "no tick completed, yet \(duringStall - atStall) pings went out\n\(log())")
        #expect(agent.isRunning)

        // The driver answers again: the call in flight returns within 4 s, the next ones at once.
        try nvml.update("")
        #expect(agent.waitForOutput("watchdog pings resumed", timeout: .seconds(15)), "\(log())")
        #expect(receiver.waitFor(timeout: .seconds(5)) { _ in receiver.count(of: "WATCHDOG=1") > atStall } != nil, "\(log())")

        agent.signal(SIGTERM)
        #expect(agent.wait(timeout: .seconds(20)) == 0, "\(log())")
    }
}
