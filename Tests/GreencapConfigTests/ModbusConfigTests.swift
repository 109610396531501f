import GreencapConfig
import Testing

@Suite("[modbus] in agent.toml")
struct ModbusConfigTests {
    @Test("the example's buses: TCP with a PDU's outlets, a serial adapter by attributes")
    func example() throws {
        let config = try AgentConfig.load(path: "Config/agent.example.toml", text: try String(contentsOfFile: "\(repositoryRoot)/Config/agent.example.toml", encoding: .utf8))
        #expect(config.modbus.buses.count == 2)
        #expect(config.modbus.buses[0].link == .tcp("10.20.3.41:502"))
        #expect(config.modbus.buses[0].devices.first?.outlets == [7, 8])
        #expect(config.modbus.buses[0].devices.first?.responseTimeout == .milliseconds(500))
        #expect(config.modbus.buses[1].link == .serial(selector: ["vendor_id": "0403", "product_id": "6001", "serial": "A10K1B2C"]))
        #expect(config.modbus.buses[1].baud == 9600)
    }

    @Test("mistakes are located: two links, no device, a duplicate name, baud on TCP, a bad outlet")
    func mistakes() {
        let text = """
            [node]
            id = "n1"
            [[modbus.bus]]
            name = "a"
            tcp = "10.0.0.1"
            rtu = "/dev/ttyUSB0"
            [[modbus.bus.device]]
            name = "d"
            profile = "raritan-px3"
            outlets = [0]
            [[modbus.bus]]
            name = "b"
            tcp = "10.0.0.2"
            baud = 9600
            [[modbus.bus.device]]
            name = "d"
            profile = "apc-smart-ups"
            [[modbus.bus]]
            name = "c"
            rtu = "/dev/ttyUSB1"
            """
        var issues: [ConfigIssue] = []
        do {
            _ = try AgentConfig.load(path: "agent.toml", text: text)
        } catch {
            issues = error.issues
        }
        func has(_ key: String, line: Int?, _ words: String) -> Bool {
            issues.contains { $0.key == key && $0.line == line && $0.problem.contains(words) }
        }
        #expect(has("modbus.bus[1].serial", line: 3, "only one of tcp, rtu and serial"), "\(issues)")
        #expect(has("modbus.bus[1].device[1].outlets", line: 10, "numbered from 1"), "\(issues)")
        #expect(has("modbus.bus[2].baud", line: 14, "serial buses"), "\(issues)")
        #expect(has("modbus.bus[2].device[1].name", line: 16, "used twice"), "\(issues)")
        #expect(has("modbus.bus[3].device", line: 18, "at least one"), "\(issues)")
    }
}

private let repositoryRoot: String = {
    var path = #filePath
    for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]) }
    return path
}()
