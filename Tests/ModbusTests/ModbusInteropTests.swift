import Foundation
import GreencapTestSupport
import Logging
import Modbus
import Testing

/// Our client and simulator against independent Modbus implementations, over real sockets and ptys.
@Suite("Modbus interoperability: pymodbus, mbpoll, socat", .serialized)
struct ModbusInteropTests {
    /// Runs `greencap modbus read … --json` and returns readings keyed `metric` or `metric[k]`.
    func readJSON(_ arguments: [String]) throws -> (status: Int32, readings: [String: Any], output: String) {
        let run = try Subprocess.run(try Paths.executable("greencap"), ["modbus", "read", "--json"] + arguments)
        let jsonStart = run.output.firstIndex(of: "{") ?? run.output.endIndex
        let object = try? JSONSerialization.jsonObject(with: Data(run.output[jsonStart...].utf8)) as? [String: Any]
        var readings: [String: Any] = [:]
        for entry in object?["readings"] as? [[String: Any]] ?? [] {
            guard let metric = entry["metric"] as? String else { continue }
            let key = (entry["entity"] as? Int).map { "\(metric)[\($0)]" } ?? metric
            readings[key] = entry["quality"] as? String == "invalid" ? "invalid" : entry["value"]
        }
        return (run.status, readings, run.output)
    }

    func check(_ readings: [String: Any], against expected: [String: Fixture.Expected], output: String) {
        #expect(!expected.isEmpty)
        for (key, wanted) in expected {
            let actual = readings[key]
            switch wanted {
            case .number(let number):
                let value = (actual as? NSNumber)?.doubleValue
                #expect(value.map { abs($0 - number) <= max(abs(number) * 1e-6, 1e-6) } == true, "\(key): \(String(describing: actual)) vs \(number)\n\(output)")
            case .flag(let flag): #expect((actual as? Bool) == flag, "\(key)\n\(output)")
            case .text(let text): #expect((actual as? String) == text, "\(key)\n\(output)")
            case .invalid: #expect((actual as? String) == "invalid", "\(key)\n\(output)")
            }
        }
    }

    @Test("`greencap modbus read --profile apc-smart-ups --tcp … --json` reads a pymodbus server loaded with each APC fixture")
    func apcFromPymodbus() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let profile = try ModbusPeers.profile("apc-smart-ups")
        for fixture in profile.fixtures.indices where !ModbusPeers.expectedReadings(profile, fixture: fixture).isEmpty {
            let server = try ModbusPeers.pymodbusTCP("apc-smart-ups", in: directory, extra: ["--fixture", "\(fixture)"])
            defer { server.stop() }
            let result = try readJSON(["--profile", "apc-smart-ups", "--tcp", "127.0.0.1:\(server.port)", "--unit", "1"])
            #expect(result.status == 0, "\(result.output)")
            check(result.readings, against: ModbusPeers.expectedReadings(profile, fixture: fixture), output: result.output)
        }
    }

    @Test("every shipped profile reads back its first fixture from our simulator and from pymodbus", arguments: [
        "apc-smart-ups", "raritan-px3", "eastron-sdm630", "schneider-iem3000", "janitza-umg96rm", "sunspec-meter-int", "sunspec-meter-float",
    ])
    func everyProfile(name: String) throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let profile = try ModbusPeers.profile(name)
        let fixture = ModbusPeers.richestFixture(profile)
        let expected = ModbusPeers.expectedReadings(profile, fixture: fixture)
        for peer in ["simulator", "pymodbus"] {
            let extra = ["--fixture", "\(fixture)"]
            let server = peer == "simulator"
                ? try ModbusPeers.simulatorTCP(name, in: directory, extra: extra) : try ModbusPeers.pymodbusTCP(name, in: directory, extra: extra)
            defer { server.stop() }
            let result = try readJSON(["--profile", name, "--tcp", "127.0.0.1:\(server.port)"])
            #expect(result.status == 0, "\(peer): \(result.output)")
            check(result.readings, against: expected, output: "\(peer): \(result.output)")
        }
    }

    @Test("mbpoll (an independent client) reads 230.2 V from our SDM630 simulator, over TCP")
    func mbpollReadsSimulator() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let server = try ModbusPeers.simulatorTCP("eastron-sdm630", in: directory)
        defer { server.stop() }
        // mbpoll numbers registers from 1 (-r 1 is address 0) and reads floats word-swapped (CDAB) unless -B.
        let run = try Subprocess.run(
            try ModbusPeers.tool("mbpoll"),
            ["-m", "tcp", "-p", "\(server.port)", "-a", "1", "-t", "3:float", "-B", "-r", "1", "-c", "1", "-1", "127.0.0.1"])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("[1]: \t230.2") || run.output.contains("[1]: 230.2") || run.output.range(of: #"\[1\]:\s+230\.2"#, options: .regularExpression) != nil, "\(run.output)")
    }

    @Test("RTU end to end over a socat pty pair: our client reads pymodbus, mbpoll reads our simulator")
    func rtuOverPtyPair() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let profile = try ModbusPeers.profile("eastron-sdm630")

        let line = try ModbusPeers.PtyPair(in: directory)
        defer { line.stop() }
        let ready = directory.path + "/pymodbus-rtu.ready"
        let server = try ModbusPeers.serveRTU(
            ModbusPeers.python,
            [ModbusPeers.pymodbusServer, "--profile", "\(ModbusPeers.profiles)/eastron-sdm630.toml", "--rtu", line.slave, "--baud", "9600", "--ready-file", ready],
            ready: ready)
        defer { server.signal(SIGTERM); server.wait(timeout: .seconds(5)) }
        let result = try readJSON(["--profile", "eastron-sdm630", "--rtu", line.master, "--baud", "9600"])
        #expect(result.status == 0, "\(result.output)")
        check(result.readings, against: ModbusPeers.expectedReadings(profile, fixture: 0), output: result.output)
        #expect(ModbusPeers.expectedReadings(profile, fixture: 0)["meter.phase.voltage_v[1]"] != nil, "fixture 0 must be the voltage capture")

        let secondLine = try ModbusPeers.PtyPair(in: directory, name: "second")
        defer { secondLine.stop() }
        let simReady = directory.path + "/sim-rtu.ready"
        let simulator = try ModbusPeers.serveRTU(
            try Paths.executable("greencap"),
            ["sim", "modbus", "--profile", "eastron-sdm630", "--rtu", secondLine.slave, "--baud", "9600", "--ready-file", simReady],
            ready: simReady)
        defer { simulator.signal(SIGTERM); simulator.wait(timeout: .seconds(5)) }
        let run = try Subprocess.run(
            try ModbusPeers.tool("mbpoll"),
            ["-m", "rtu", "-b", "9600", "-P", "none", "-a", "1", "-t", "3:float", "-B", "-r", "1", "-c", "1", "-1", secondLine.master])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.range(of: #"\[1\]:\s+230\.2"#, options: .regularExpression) != nil, "\(run.output)")
    }

    @Test("`greencap modbus scan` finds the units a gateway serves and names the profile that reads each")
    func scan() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let server = try ModbusPeers.simulatorTCP("eastron-sdm630", in: directory, extra: ["--unit", "1", "--unit", "3"])
        defer { server.stop() }
        let run = try Subprocess.run(
            try Paths.executable("greencap"),
            ["modbus", "scan", "--tcp", "127.0.0.1:\(server.port)", "--units", "1-4", "--profile", "eastron-sdm630", "--profile", "janitza-umg96rm"])
        #expect(run.status == 0, "\(run.output)")
        let rows = run.output.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(rows.contains { $0.first == "1" && $0.contains("eastron-sdm630") && !$0.contains("janitza-umg96rm") }, "\(run.output)")
        #expect(rows.contains { $0.first == "3" && $0.contains("eastron-sdm630") }, "\(run.output)")
        #expect(!rows.contains { $0.first == "2" || $0.first == "4" }, "units 2 and 4 are not there: \(run.output)")
    }

    @Test("writes with FC06 and FC16 reach a pymodbus server and read back")
    func writes() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let server = try ModbusPeers.pymodbusTCP("apc-smart-ups", in: directory, extra: ["--fixture", "1"])
        defer { server.stop() }
        let connection = try ModbusConnection(endpoint: .tcp(host: "127.0.0.1", port: server.port))
        connection.setTimeouts(response: .seconds(1), byte: .milliseconds(100))
        try connection.open()
        // APC settings registers (transfer high/low at 1026/1027; AN176 accepts FC16, some firmware FC06 only).
        try connection.writeRegisters(unit: 1, start: 1026, words: [270, 200], function: 16)
        #expect(try connection.read(.holding, unit: 1, start: 1026, count: 2) == [270, 200])
        try connection.writeRegisters(unit: 1, start: 1026, words: [265, 205], function: 6)
        #expect(try connection.read(.holding, unit: 1, start: 1026, count: 2) == [265, 205])
        #expect(connection.requestCount == 5, "FC16 is one request; FC06 is one per register")
    }
}
