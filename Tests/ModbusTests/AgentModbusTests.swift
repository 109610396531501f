import Foundation
import GreencapTestSupport
import Testing

/// `greencap-agent` with Modbus buses from its config: a UPS over TCP and a meter on an RTU line, both our
/// simulator; the status line follows the devices, a dead device does not stop the agent, and an RTU line
/// that goes away and comes back is reopened.
@Suite("Agent with Modbus devices", .serialized)
struct AgentModbusTests {
    @Test("status follows the UPS; a dead UPS and a vanished RTU line are reported and recovered")
    func agentFollowsDevices() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let nvml = try SimulatedNVML()
        let scenario = try directory.write("ups.toml", "fault = \"none\"\n[values]\nstatus_on_battery = false\nstatus_online = true\n")
        var ups = try ModbusPeers.simulatorTCP("apc-smart-ups", in: directory, extra: ["--fixture", "1", "--scenario", scenario])
        var line = try ModbusPeers.PtyPair(in: directory)
        let meterReady = directory.path + "/meter.ready"
        var meter = try ModbusPeers.serveRTU(
            try Paths.executable("greencap"),
            ["sim", "modbus", "--profile", "eastron-sdm630", "--fixture", "1", "--rtu", line.slave, "--baud", "19200", "--ready-file", meterReady],
            ready: meterReady)
        defer {
            ups.stop()
            meter.signal(SIGTERM)
            line.stop()
        }
        let config = try directory.write("agent.toml", """
            [node]
            id = "n07"
            [control]
            tick = "250ms"
            [gpu]
            nvml_library = "\(nvml.libraryPath)"
            [[modbus.bus]]
            name = "ups-nmc"
            tcp = "127.0.0.1:\(ups.port)"
            poll_every = "250ms"
            backoff_limit = "1s"
            [[modbus.bus.device]]
            name = "ups-a"
            profile = "apc-smart-ups"
            response_timeout = "200ms"
            stale_after = "1s"
            [[modbus.bus]]
            name = "rs485"
            rtu = "\(line.master)"
            baud = 19200
            poll_every = "250ms"
            backoff_limit = "1s"
            [[modbus.bus.device]]
            name = "meter-1"
            profile = "eastron-sdm630"
            response_timeout = "200ms"
            stale_after = "1s"
            """)
        let receiver = try NotifyReceiver(abstract: true)
        let agent = try Subprocess(try Paths.executable("greencap-agent"), ["--config", config], environment: ["NOTIFY_SOCKET": receiver.address])
        defer { if agent.isRunning { agent.signal(SIGKILL) } }
        #expect(receiver.waitFor { $0.contains("UPS ups-a on mains 635 W") && $0.contains("meter meter-1 ") && $0.contains("8/8 GPUs") } != nil,
                "status: \(receiver.lastStatus ?? "-")\n\(agent.text)")

        _ = try directory.write("ups.toml", "fault = \"none\"\n[values]\nstatus_on_battery = true\nstatus_online = false\n")
        #expect(receiver.waitFor { $0.contains("UPS ups-a ON BATTERY") } != nil, "status: \(receiver.lastStatus ?? "-")")

        // The UPS's network card dies: readings go stale, the agent keeps running and says so once.
        ups.stop()
        #expect(receiver.waitFor { $0.contains("ups-a") && $0.contains("not answering") } != nil, "status: \(receiver.lastStatus ?? "-")\n\(agent.text)")
        #expect(agent.isRunning)

        // The RTU line disappears (adapter unplugged) and comes back under the same name.
        meter.signal(SIGTERM)
        meter.wait(timeout: .seconds(5))
        line.stop()
        #expect(receiver.waitFor { $0.contains("meter-1") && $0.contains("not answering") } != nil, "status: \(receiver.lastStatus ?? "-")")
        line = try ModbusPeers.PtyPair(in: directory)
        try? FileManager.default.removeItem(atPath: meterReady)
        meter = try ModbusPeers.serveRTU(
            try Paths.executable("greencap"),
            ["sim", "modbus", "--profile", "eastron-sdm630", "--fixture", "1", "--rtu", line.slave, "--baud", "19200", "--ready-file", meterReady],
            ready: meterReady)
        #expect(receiver.waitFor(timeout: .seconds(15)) { status in
            guard let meterPart = status.components(separatedBy: "; ").first(where: { $0.hasPrefix("meter meter-1 ") }) else { return false }
            return meterPart.hasSuffix(" W")
        } != nil, "status: \(receiver.lastStatus ?? "-")\n\(agent.text)")
        #expect(agent.waitForOutput("Modbus device answers again"), "\(agent.text)")
        #expect(agent.text.components(separatedBy: "Modbus device not answering").count - 1 == 2, "one warning per outage (UPS, meter), not per poll, not per poll:\n\(agent.text)")

        ups = try ModbusPeers.simulatorTCP("apc-smart-ups", in: directory, extra: ["--fixture", "1"])
        agent.signal(SIGTERM)
        #expect(agent.wait(timeout: .seconds(15)) == 0, "\(agent.text)")
    }
}
