import GreencapTestSupport
import Testing

@Suite struct DemoTests {
    @Test func demoRunsTheFleetAndStopsByItself() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let result = try Subprocess.run(
            try Paths.executable("greencap"),
            ["demo", "--agents", "2", "--state-dir", directory.path + "/state", "--start", "2023-06-03T10:00:00+09:00"],
            environment: ["DEMO_SECONDS": "6"], workingDirectory: Paths.repository)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("Demo stopped after"))
        #expect(result.output.contains("(time limit)"))
        #expect(result.output.contains("Replayed"))
        #expect(result.output.contains("2023-06-03 10:00"))
        #expect(result.output.contains("demo-n02"))
        // Each agent read its 8 simulated GPUs through the NVML simulator, loaded like the real driver.
        #expect(result.output.contains("last status: 8/8 GPUs"), "\(result.output)")
        // …and its rack PDU's outlets and the UPS over Modbus TCP from `greencap sim modbus`, the outlets
        // drawing what the node's GPUs drew plus the host's 900 W.
        #expect(result.output.range(of: #"last status: PDU pdu-r01 [0-9]+ W \(2 outlets\)"#, options: .regularExpression) != nil, "\(result.output)")
        #expect(result.output.contains("last status: UPS ups-1 on mains"), "\(result.output)")
        #expect(result.output.contains("all daemons started, ran and stopped cleanly"))
    }
}
