import Foundation
import GreencapTestSupport
import Logging
import Modbus
import Testing

/// Bad answers from a real server (our simulator's fault modes over real sockets and ptys): each is a
/// classified error, never a crash, and the next good answer is read normally.
@Suite("Modbus faults: exceptions, timeouts, CRC, garbage, wrong unit, disconnects", .serialized)
struct ModbusFaultTests {
    func poll(_ profile: DeviceProfile, _ endpoint: ModbusEndpoint, unit: UInt8 = 1, timeout: Duration = .milliseconds(300)) -> ModbusSinglePoll.Result {
        var connection = profile.connection
        connection.responseTimeout = timeout
        connection.retries = 0
        connection.interRequestDelay = .zero
        return ModbusSinglePoll(settings: ModbusDeviceSettings(name: "dut", profile: profile, unitID: unit, connection: connection), endpoint: endpoint).run()
    }

    @Test("TCP faults", arguments: [
        ("timeout", "no answer within the response timeout"),
        ("exception:2", "exception 2 (illegal data address"),
        ("exception:4", "exception 4 (server device failure"),
        ("garbage", ""),
        ("crc", ""),
        ("disconnect", ""),
    ])
    func tcpFaults(fault: String, message: String) throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let profile = try ModbusPeers.profile("eastron-sdm630")
        let scenario = try directory.write("scenario.toml", "fault = \"\(fault)\"\n")
        let server = try ModbusPeers.simulatorTCP("eastron-sdm630", in: directory, extra: ["--scenario", scenario])
        defer { server.stop() }
        let endpoint = ModbusEndpoint.tcp(host: "127.0.0.1", port: server.port)
        let started = ContinuousClock.now
        let failed = poll(profile, endpoint)
        let elapsed = ContinuousClock.now - started
        #expect(failed.error != nil, "\(fault) must fail the poll")
        if !message.isEmpty { #expect(failed.error?.contains(message) == true, "\(failed.error ?? "-")") }
        #expect(elapsed < .seconds(3), "a fault must cost about one timeout, not hang: \(elapsed)")
        // The same server, healthy again: the client reads normally.
        _ = try directory.write("scenario.toml", "fault = \"none\"\n# \(UUID())\n")
        usleep(600_000)
        let good = poll(profile, endpoint)
        #expect(good.error == nil, "\(good.error ?? "")")
        #expect(good.readings.contains { $0.metric.name == "meter.phase.voltage_v" && $0.quality == .good })
    }

    @Test("RTU faults over a pty pair: a CRC error and an answer from another unit are named as such", arguments: [
        ("crc", "CRC error"),
        ("wrong-unit", "another unit id"),
        ("exception:2", "exception 2"),
        ("timeout", "no answer"),
    ])
    func rtuFaults(fault: String, message: String) throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let profile = try ModbusPeers.profile("eastron-sdm630")
        let line = try ModbusPeers.PtyPair(in: directory)
        defer { line.stop() }
        let ready = directory.path + "/sim.ready"
        let simulator = try ModbusPeers.serveRTU(
            try Paths.executable("greencap"),
            ["sim", "modbus", "--profile", "eastron-sdm630", "--rtu", line.slave, "--baud", "19200", "--fault", fault, "--ready-file", ready],
            ready: ready)
        defer { simulator.signal(SIGTERM); simulator.wait(timeout: .seconds(5)) }
        let endpoint = ModbusEndpoint.rtu(device: line.master, baud: 19200, parity: .none, dataBits: 8, stopBits: 1)
        let result = poll(profile, endpoint)
        #expect(result.error?.contains(message) == true, "\(result.error ?? "no error")")
    }

    @Test("a profile the device does not match: exception 2 on a block names the block and the address")
    func wrongProfile() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let server = try ModbusPeers.simulatorTCP("eastron-sdm630", in: directory)
        defer { server.stop() }
        let result = poll(try ModbusPeers.profile("janitza-umg96rm"), .tcp(host: "127.0.0.1", port: server.port))
        #expect(result.error?.contains("exception 2") == true)
        #expect(result.error?.contains("block") == true, "\(result.error ?? "")")
    }

    @Test("a TCP gateway that accepts and never answers costs one response timeout per try")
    func silentGateway() throws {
        // A listening socket that never reads: the connect succeeds, the answer never comes.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var size = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, size) } }
        listen(listener, 4)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &size) } }
        let port = Int(UInt16(bigEndian: address.sin_port))
        let started = ContinuousClock.now
        let result = poll(try ModbusPeers.profile("eastron-sdm630"), .tcp(host: "127.0.0.1", port: port), timeout: .milliseconds(250))
        let elapsed = ContinuousClock.now - started
        #expect(result.error?.contains("no answer") == true, "\(result.error ?? "")")
        #expect(elapsed >= .milliseconds(240) && elapsed < .seconds(2), "\(elapsed)")
    }
}
