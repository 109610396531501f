import Foundation
import GreencapCore
import GreencapTestSupport
import Testing

/// `greencap gpu` and `greencap-agent` against the NVML simulator, loaded through the same dlopen path as
/// the real driver.
@Suite(.serialized) struct GPUSystemTests {
    /// Every field `greencap gpu read --json` prints for a GPU; none may be missing or null on the simulator.
    static let gpuKeys = [
        "index", "uuid", "name", "pci_bus_id", "serial", "power_average_w", "power_instant_w", "energy_j", "temperature_c",
        "utilization_gpu_percent", "utilization_memory_percent", "sm_clock_mhz", "limits", "clock_event_reasons",
    ]

    @Test func gpuReadJSONPrintsEveryFieldOfEightGPUs() throws {
        let simulator = try SimulatedNVML()
        let result = try Subprocess.run(try Paths.executable("greencap"), ["gpu", "read", "--json", "--nvml-library", simulator.libraryPath])
        #expect(result.status == 0, "\(result.output)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(json["driver_version"] as? String == "550.127.05")
        #expect(json["batched"] as? Bool == true)
        #expect(json["nvml_calls"] as? Int == 40)
        let gpus = try #require(json["gpus"] as? [[String: Any]])
        #expect(gpus.count == 8)
        for gpu in gpus {
            for key in Self.gpuKeys { #expect(gpu[key] != nil && !(gpu[key] is NSNull), "GPU \(gpu["index"] ?? "?") lacks \(key)") }
            #expect((gpu["unavailable"] as? [String: Any])?.isEmpty == true)
            let limits = try #require(gpu["limits"] as? [String: Double])
            #expect(limits == ["min_w": 200, "max_w": 700, "default_w": 700, "requested_w": 700, "enforced_w": 700])
            let power = try #require(gpu["power_average_w"] as? Double)
            #expect(power > 600 && power <= 700, "default training workload: \(power) W")
        }
    }

    @Test func gpuCommandsTakeTheLibraryFromEnvironmentAndAgentConfig() throws {
        let simulator = try SimulatedNVML()
        // The environment wins over the agent config, which names a library that does not exist.
        let decoy = try simulator.directory.write(
            "decoy.toml", "[node]\nid = \"n1\"\n[gpu]\nnvml_library = \"/nonexistent/libnvidia-ml.so.1\"\n")
        let fromEnvironment = try Subprocess.run(
            try Paths.executable("greencap"), ["gpu", "list", "--agent-config", decoy],
            environment: ["GREENCAP_NVML_LIBRARY": simulator.libraryPath])
        #expect(fromEnvironment.status == 0, "\(fromEnvironment.output)")
        #expect(fromEnvironment.output.contains("8 GPU(s)"))
        #expect(fromEnvironment.output.contains("00000000:DB:00.0"))

        let config = try simulator.directory.write("agent.toml", "[node]\nid = \"n1\"\n[gpu]\nnvml_library = \"\(simulator.libraryPath)\"\n")
        let fromConfig = try Subprocess.run(
            try Paths.executable("greencap"), ["gpu", "list", "--json", "--agent-config", config], environment: ["GREENCAP_NVML_LIBRARY": ""])
        #expect(fromConfig.status == 0, "\(fromConfig.output)")
        #expect(fromConfig.output.contains("\"library\" : \"\(simulator.libraryPath)\""))
    }

    @Test func gpuReadWithoutADriverSaysWhatToDo() throws {
        let result = try Subprocess.run(
            try Paths.executable("greencap"), ["gpu", "read", "--nvml-library", "/nonexistent/libnvidia-ml.so.1"])
        #expect(result.status != 0)
        #expect(result.output.contains("cannot load NVML library '/nonexistent/libnvidia-ml.so.1'"))
        #expect(result.output.contains("(from --nvml-library)"))
    }

    @Test func gpuProbeTimesEveryCallAndNeverWrites() throws {
        let simulator = try SimulatedNVML()
        let result = try Subprocess.run(
            try Paths.executable("greencap"), ["gpu", "probe", "--iterations", "50", "--json", "--nvml-library", simulator.libraryPath])
        #expect(result.status == 0, "\(result.output)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let calls = try #require(json["calls"] as? [[String: Any]])
        #expect(calls.count == 8 * 23, "14 functions, 8 fields alone and the 8-field batch, per GPU")
        #expect(calls.allSatisfy { $0["result"] as? String == "ok" })
        #expect(calls.filter { $0["timing"] != nil }.count == 23, "timed on the first GPU only by default")
        #expect(!calls.contains { ($0["function"] as? String ?? "").contains("Set") })
        let reads = try #require(json["fleet_reads"] as? [[String: Any]])
        #expect(reads.map { $0["mode"] as? String } == ["batched", "per-call"])
        #expect(reads.map { $0["calls_per_read"] as? Int } == [40, 64])
    }

    @Test func agentReadsGPUsExcludesALostOneAndTakesItBack() throws {
        let simulator = try SimulatedNVML()
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let config = try directory.write(
            "agent.toml",
            """
            [node]
            id = "gpu-node"
            [control]
            tick = "200ms"
            [gpu]
            nvml_library = "\(simulator.libraryPath)"
            rediscover = "1s"
            """)
        let receiver = try NotifyReceiver(abstract: true)
        let agent = try Subprocess(
            try Paths.executable("greencap-agent"), ["--config", config],
            environment: ["NOTIFY_SOCKET": receiver.address, "WATCHDOG_USEC": "2000000"])
        #expect(receiver.waitFor { $0.contains("READY=1") } != nil, "log:\n\(agent.text)")
        // The rest of this test runs on code mapped again after start-up's pages were released.
        #expect(agent.waitForOutput("released start-up pages (first tick)"), "log:\n\(agent.text)")
        #expect(receiver.waitFor { $0.contains("8/8 GPUs") && $0.contains("(limit 5600 W)") } != nil, "log:\n\(agent.text)")

        try simulator.update("lost = 3\n")
        #expect(receiver.waitFor { $0.contains("7/8 GPUs") && $0.contains("lost: GPU 3") } != nil, "log:\n\(agent.text)")
        #expect(agent.waitForOutput("GPU lost; excluded from reads and caps"), "log:\n\(agent.text)")
        Thread.sleep(forTimeInterval: 2.5)  // two re-enumerations while it stays lost
        #expect(agent.isRunning)
        #expect(agent.text.components(separatedBy: "GPU lost;").count == 2, "logged once, not every tick:\n\(agent.text)")

        try simulator.update("lost =\n")
        #expect(receiver.waitFor { $0.contains("8/8 GPUs") } != nil, "log:\n\(agent.text)")
        #expect(agent.waitForOutput("GPU is back after re-enumeration"), "log:\n\(agent.text)")

        agent.signal(SIGTERM)
        #expect(agent.wait(timeout: .seconds(15)) == 0, "log:\n\(agent.text)")
    }

    @Test func agentWithoutNVMLKeepsRunningAndSaysWhy() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let config = try directory.write(
            "agent.toml", "[node]\nid = \"no-gpu\"\n[gpu]\nnvml_library = \"/nonexistent/libnvidia-ml.so.1\"\n")
        let receiver = try NotifyReceiver(abstract: true)
        let agent = try Subprocess(
            try Paths.executable("greencap-agent"), ["--config", config], environment: ["NOTIFY_SOCKET": receiver.address])
        #expect(receiver.waitFor { $0.contains("READY=1") && $0.contains("GPUs unread: cannot load NVML library") } != nil, "log:\n\(agent.text)")
        #expect(agent.text.contains("NVML unavailable; GPUs are not read or capped; retrying"))
        agent.signal(SIGTERM)
        #expect(agent.wait(timeout: .seconds(15)) == 0, "log:\n\(agent.text)")
    }
}
