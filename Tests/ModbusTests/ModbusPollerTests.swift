import Foundation
import GreencapCore
import GreencapTestSupport
import Logging
import Modbus
import Testing

/// The bus poller against real peers: readings go stale when a device stops answering and come back when
/// it does; a dead unit on a shared RTU line does not hold up the live one.
@Suite("Modbus poller: staleness, recovery, isolation on a shared RTU bus", .serialized)
struct ModbusPollerTests {
    let logger = Logger(label: "test")

    func waitUntil(_ timeout: Duration = .seconds(10), _ condition: () -> Bool) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    @Test("a device that stops answering goes failing and stale, and answers again when the fault clears")
    func staleAndRecovered() async throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let scenario = try directory.write("scenario.toml", "fault = \"none\"\n")
        let server = try ModbusPeers.simulatorTCP("apc-smart-ups", in: directory, extra: ["--scenario", scenario, "--fixture", "1"])
        defer { server.stop() }
        let profile = try ModbusPeers.profile("apc-smart-ups")
        var connection = profile.connection
        connection.responseTimeout = .milliseconds(200)
        let device = ModbusDeviceSettings(name: "ups-a", profile: profile, unitID: 1, connection: connection, staleAfter: .milliseconds(600))
        let readings = ModbusReadings()
        let poller = ModbusBusPoller(
            settings: ModbusBusSettings(name: "ups", endpoint: .tcp(host: "127.0.0.1", port: server.port), pollEvery: .milliseconds(100),
                                        backoffLimit: .milliseconds(400), devices: [device]),
            readings: readings, logger: logger)
        poller.start()
        #expect(waitUntil { readings.snapshot("ups-a")?.health == .answering })
        let first = readings.snapshot("ups-a")?.readings(at: Timestamp.nowMilliseconds()) ?? []
        #expect(first.contains { $0.metric.name == "ups.charge_pct" && $0.quality == .good })

        _ = try directory.write("scenario.toml", "fault = \"timeout\"\n")
        #expect(waitUntil {
            if case .failing = readings.snapshot("ups-a")?.health { return true }
            return false
        })
        #expect(waitUntil {
            let now = Timestamp.nowMilliseconds()
            return readings.snapshot("ups-a")?.readings(at: now).allSatisfy { $0.quality != .good } == true
        }, "readings must go stale once older than stale_after")
        #expect((readings.snapshot("ups-a")?.failures["timeout"] ?? 0) >= 1)

        _ = try directory.write("scenario.toml", "fault = \"none\"\n# back\n")
        #expect(waitUntil { readings.snapshot("ups-a")?.health == .answering })
        let back = readings.snapshot("ups-a")?.readings(at: Timestamp.nowMilliseconds()) ?? []
        #expect(back.contains { $0.metric.name == "ups.charge_pct" && $0.quality == .good })
        await poller.stop()
    }

    @Test("a dead unit on a shared RTU line: the live unit keeps its rate, the dead one backs off")
    func isolation() async throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let line = try ModbusPeers.PtyPair(in: directory)
        defer { line.stop() }
        let ready = directory.path + "/sim.ready"
        let simulator = try ModbusPeers.serveRTU(
            try Paths.executable("greencap"),
            ["sim", "modbus", "--profile", "eastron-sdm630", "--rtu", line.slave, "--baud", "38400", "--unit", "1", "--ready-file", ready],
            ready: ready)
        defer { simulator.signal(SIGTERM); simulator.wait(timeout: .seconds(5)) }
        let profile = try ModbusPeers.profile("eastron-sdm630")
        var connection = profile.connection
        connection.responseTimeout = .milliseconds(300)
        connection.retries = 2
        let live = ModbusDeviceSettings(name: "meter-live", profile: profile, unitID: 1, connection: connection)
        let dead = ModbusDeviceSettings(name: "meter-dead", profile: profile, unitID: 2, connection: connection)
        let readings = ModbusReadings()
        let poller = ModbusBusPoller(
            settings: ModbusBusSettings(
                name: "rs485", endpoint: .rtu(device: line.master, baud: 38400, parity: .none, dataBits: 8, stopBits: 1),
                pollEvery: .milliseconds(200), backoffLimit: .seconds(2), devices: [live, dead]),
            readings: readings, logger: logger)
        poller.start()
        try await Task.sleep(for: .seconds(4))
        await poller.stop()
        let livePolls = readings.snapshot("meter-live")?.polls ?? 0
        let deadAttempts = readings.snapshot("meter-dead")?.failures.values.reduce(0, +) ?? 0
        // 4 s at 200 ms is 20 cycles. With retries on every cycle the dead unit would cost 3 × 300 ms each
        // cycle and the live unit would get about 4 polls; with backoff it gets most of its 20.
        #expect(livePolls >= 12, "live unit polled \(livePolls) times in 4 s; dead unit tried \(deadAttempts) times")
        #expect(deadAttempts >= 2 && deadAttempts <= 6, "dead unit attempts: \(deadAttempts)")
        #expect(readings.snapshot("meter-live")?.health == .answering)
    }

    @Test("an RTU line that vanishes and comes back: pollSoon (the hot-plug event) reopens it before the backoff ends")
    func reopenOnHotPlug() async throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        var line = try ModbusPeers.PtyPair(in: directory)
        let ready = directory.path + "/sim.ready"
        let arguments = { (slave: String) in
            ["sim", "modbus", "--profile", "eastron-sdm630", "--rtu", slave, "--baud", "19200", "--ready-file", ready]
        }
        var simulator = try ModbusPeers.serveRTU(try Paths.executable("greencap"), arguments(line.slave), ready: ready)
        let profile = try ModbusPeers.profile("eastron-sdm630")
        var connection = profile.connection
        connection.responseTimeout = .milliseconds(150)
        let readings = ModbusReadings()
        let poller = ModbusBusPoller(
            settings: ModbusBusSettings(
                name: "rs485", endpoint: .rtu(device: line.master, baud: 19200, parity: .none, dataBits: 8, stopBits: 1),
                pollEvery: .milliseconds(100), backoffLimit: .seconds(30),
                devices: [ModbusDeviceSettings(name: "meter", profile: profile, unitID: 1, connection: connection)]),
            readings: readings, logger: logger)
        poller.start()
        #expect(waitUntil { readings.snapshot("meter")?.health == .answering })

        // Unplugged: the line and the device on it are gone.
        simulator.signal(SIGTERM)
        simulator.wait(timeout: .seconds(5))
        line.stop()
        #expect(waitUntil {
            if case .failing(_, _, let count) = readings.snapshot("meter")?.health { return count >= 6 }
            return false
        }, "the next attempt is now seconds away")

        // Plugged back in under the same name; the hot-plug event arrives.
        line = try ModbusPeers.PtyPair(in: directory)
        defer { line.stop() }
        try? FileManager.default.removeItem(atPath: ready)
        simulator = try ModbusPeers.serveRTU(try Paths.executable("greencap"), arguments(line.slave), ready: ready)
        defer { simulator.signal(SIGTERM); simulator.wait(timeout: .seconds(5)) }
        let plugged = ContinuousClock.now
        poller.pollSoon()
        #expect(waitUntil(.seconds(2)) { readings.snapshot("meter")?.health == .answering }, "reopened within 2 s, not after the backoff")
        #expect(ContinuousClock.now - plugged < .seconds(2))
        await poller.stop()
    }
}

