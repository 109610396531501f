import Foundation
import GreencapCore
import GreencapTestSupport
import Testing

/// `greencap-agent` running its cap controller for real: eight simulated GPUs through the NVML simulator
/// (the driver's dlopen path), a UPS over Modbus TCP (our simulator), and a policy file. Checks each safety
/// fallback end to end, in the status line, in the GPUs' enforced limits and in the audit file.
@Suite("Agent cap controller", .serialized)
struct AgentControlSystemTests {
    /// 8 GPUs, non-GPU estimate 900 W: a node cap C puts each GPU at (C − 900 W) / 8, within 200…700 W.
    static func gpuLimitSum(nodeCap watts: Int) -> Int { 8 * min(700, max(200, (watts - 900) / 8)) }

    struct Node {
        let directory: TemporaryDirectory
        let nvml: SimulatedNVML
        var ups: ModbusPeers.TCPPeer
        let receiver: NotifyReceiver
        let agent: Subprocess
        var audit: [[String: Any]] {
            let text = (try? String(contentsOfFile: directory.path + "/audit.jsonl", encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }

        func status(_ predicate: (String) -> Bool, timeout: Duration = .seconds(10)) -> Bool {
            receiver.waitFor(timeout: timeout, predicate) != nil
        }

        func setUPS(onBattery: Bool) throws {
            _ = try directory.write(
                "ups.toml", "fault = \"none\"\n[values]\nstatus_on_battery = \(onBattery)\nstatus_online = \(!onBattery)\n")
        }

        /// A policy whose renewable tiers give 3000 W below score 0.5, 4500 W below 0.8, 6000 W above.
        func writePolicy(id: String, score: Double, leaseSeconds: Int, feedAgeSeconds: Int = 0) throws {
            let now = Int64(Date().timeIntervalSince1970)
            func time(_ seconds: Int64) -> String { Timestamp.formatRFC3339(seconds) }
            let text = """
                {"format": "greencap-policy/1", "id": "\(id)", "issued_at": "\(time(now - 1))",
                 "lease_expires_at": "\(time(now + Int64(leaseSeconds)))", "green_score": \(score),
                 "feed_updated_at": "\(time(now - Int64(feedAgeSeconds)))",
                 "renewable": {"id": "re-1", "floor_w": 3000, "ceiling_w": 6000, "author": "energy-team",
                   "issued_at": "\(time(now - 1))",
                   "tiers": [{"min_score": 0, "cap_w": 3000}, {"min_score": 0.5, "cap_w": 4500}, {"min_score": 0.8, "cap_w": 6000}]}}
                """
            // Replaced by rename, as configuration management would, so the agent never reads half a file.
            let temporary = try directory.write("policy.json.new", text)
            _ = rename(temporary, directory.path + "/policy.json")
        }

        func stop() -> Int32 {
            agent.signal(SIGTERM)
            let status = agent.wait(timeout: .seconds(15))
            ups.stop()
            directory.remove()
            return status
        }
    }

    static func start(extraControl: String = "", writes: String = "enforce") throws -> Node {
        let directory = try TemporaryDirectory.make()
        let nvml = try SimulatedNVML()
        let scenario = try directory.write("ups.toml", "fault = \"none\"\n[values]\nstatus_on_battery = false\nstatus_online = true\n")
        let ups = try ModbusPeers.simulatorTCP("apc-smart-ups", in: directory, extra: ["--fixture", "1", "--scenario", scenario])
        let config = try directory.write("agent.toml", """
            [node]
            id = "n-ctl"
            rack = "r1"
            [control]
            tick = "250ms"
            safe_cap = "4000 W"
            emergency_cap = "2500 W"
            raise_rate = "100 kW"
            raise_jitter = "0s"
            mains_stable_hold = "1s"
            feed_stale_after = "30s"
            policy_file = "\(directory.path)/policy.json"
            audit_file = "\(directory.path)/audit.jsonl"
            ups = "ups-a"
            \(extraControl)
            [gpu]
            nvml_library = "\(nvml.libraryPath)"
            writes = "\(writes)"
            [[modbus.bus]]
            name = "ups-nmc"
            tcp = "127.0.0.1:\(ups.port)"
            poll_every = "250ms"
            [[modbus.bus.device]]
            name = "ups-a"
            profile = "apc-smart-ups"
            stale_after = "2s"
            """)
        let receiver = try NotifyReceiver(abstract: true)
        let agent = try Subprocess(
            try Paths.executable("greencap-agent"), ["--config", config],
            environment: ["NOTIFY_SOCKET": receiver.address, "GREENCAP_NVML_SIM_WORKLOAD": "training"])
        return Node(directory: directory, nvml: nvml, ups: ups, receiver: receiver, agent: agent)
    }

    @Test("policy → renewable cap; UPS on battery → emergency cap at once; stale feed and expired lease → safe cap")
    func safetyFallbacksEndToEnd() throws {
        let node = try Self.start()
        defer { if node.agent.isRunning { node.agent.signal(SIGKILL) } }
        let log = { "status: \(node.receiver.lastStatus ?? "-")\n\(node.agent.text)" }

        // No policy yet: the safe cap, never the GPUs' maximum.
        #expect(node.status { $0.contains("SAFE: no policy") && $0.contains("(limit \(Self.gpuLimitSum(nodeCap: 4000)) W)") }, "\(log())")

        try node.writePolicy(id: "p-green", score: 0.9, leaseSeconds: 60)
        #expect(node.status { $0.contains("cap 6000 W (green 90% tier 2)") && $0.contains("(limit \(Self.gpuLimitSum(nodeCap: 6000)) W)") }, "\(log())")

        // The UPS goes on battery: the emergency cap as soon as the agent sees it (one poll, one tick).
        let before = ContinuousClock.now
        try node.setUPS(onBattery: true)
        #expect(node.status { $0.contains("EMERGENCY: UPS on battery") && $0.contains("(limit \(Self.gpuLimitSum(nodeCap: 2500)) W)") }, "\(log())")
        let reaction = ContinuousClock.now - before
        #expect(reaction < .seconds(3), "UPS poll 250 ms + tick 250 ms; took \(reaction)")

        // Mains back: held for mains_stable_hold, then released to the renewable cap.
        try node.setUPS(onBattery: false)
        #expect(node.status { $0.contains("cap 6000 W (green 90% tier 2)") && $0.contains("(limit \(Self.gpuLimitSum(nodeCap: 6000)) W)") }, "\(log())")

        // The feed behind the score went stale (an hour old, limit 30 s): safe cap.
        try node.writePolicy(id: "p-stale", score: 0.9, leaseSeconds: 60, feedAgeSeconds: 3600)
        #expect(node.status { $0.contains("SAFE: feed stale") && $0.contains("(limit \(Self.gpuLimitSum(nodeCap: 4000)) W)") }, "\(log())")

        // A middle score, then the lease runs out with nobody renewing it: safe cap.
        try node.writePolicy(id: "p-short", score: 0.6, leaseSeconds: 3)
        #expect(node.status { $0.contains("cap 4500 W (green 60% tier 1)") }, "\(log())")
        #expect(node.status { $0.contains("SAFE: lease expired") && $0.contains("(limit \(Self.gpuLimitSum(nodeCap: 4000)) W)") }, "\(log())")

        // A broken policy file is refused with the field named; the node stays where it is.
        _ = try node.directory.write(
            "policy.json",
            #"{"format": "greencap-policy/1", "id": "p-bad", "issued_at": "yesterday", "lease_expires_at": "2030-01-01T00:00:00Z", "green_score": 1}"#)
        #expect(node.agent.waitForOutput("the policy file is invalid at issued_at"), "\(log())")
        #expect(node.status { $0.contains("SAFE: lease expired") })
        #expect(node.agent.isRunning)

        let causes = node.audit.compactMap { $0["cause"] as? String }
        for cause in ["no-policy", "renewable", "ups-on-battery", "feed-stale", "lease-expired"] {
            #expect(causes.contains(cause), "audit causes: \(Set(causes))")
        }
        let record = try #require(node.audit.first { $0["cause"] as? String == "ups-on-battery" })
        #expect(record["new_w"] as? Int == Self.gpuLimitSum(nodeCap: 2500) / 8)
        #expect(record["node"] as? String == "n-ctl" && record["dry_run"] as? Bool == false && record["gpu_uuid"] is String)
        #expect(node.stop() == 0)
    }

    @Test("dry-run computes, logs and audits every change and sets nothing")
    func dryRunSetsNothing() throws {
        let node = try Self.start(writes: "dry-run")
        defer { if node.agent.isRunning { node.agent.signal(SIGKILL) } }
        try node.writePolicy(id: "p-dry", score: 0.1, leaseSeconds: 60)
        #expect(node.status { $0.contains("cap 3000 W (green 10% tier 0)") && $0.contains("DRY-RUN") }, "\(node.agent.text)")
        Thread.sleep(forTimeInterval: 1)
        #expect(node.status { $0.contains("(limit 5600 W)") }, "limits untouched: \(node.receiver.lastStatus ?? "-")")
        #expect(node.agent.text.contains("dry-run, not set: 8 GPUs"))
        let records = node.audit
        #expect(!records.isEmpty && records.allSatisfy { $0["dry_run"] as? Bool == true })
        #expect(node.stop() == 0)
    }

    @Test("on_stop = restore-defaults puts every GPU back to its default limit; keep-caps (default) leaves them")
    func stopBehaviour() throws {
        let restoring = try Self.start(extraControl: "on_stop = \"restore-defaults\"")
        defer { if restoring.agent.isRunning { restoring.agent.signal(SIGKILL) } }
        try restoring.writePolicy(id: "p-stop", score: 0.1, leaseSeconds: 60)
        #expect(restoring.status { $0.contains("(limit \(Self.gpuLimitSum(nodeCap: 3000)) W)") }, "\(restoring.agent.text)")
        let directory = restoring.directory.path
        restoring.agent.signal(SIGTERM)
        #expect(restoring.agent.wait(timeout: .seconds(15)) == 0)
        let text = try String(contentsOfFile: directory + "/audit.jsonl", encoding: .utf8)
        #expect(text.components(separatedBy: "\"cause\":\"agent-stop\"").count - 1 == 8, "\(text)")
        #expect(text.contains("\"new_w\":700"))
        _ = restoring.stop()

        let keeping = try Self.start()
        defer { if keeping.agent.isRunning { keeping.agent.signal(SIGKILL) } }
        try keeping.writePolicy(id: "p-keep", score: 0.1, leaseSeconds: 60)
        #expect(keeping.status { $0.contains("(limit \(Self.gpuLimitSum(nodeCap: 3000)) W)") }, "\(keeping.agent.text)")
        let keptDirectory = keeping.directory.path
        keeping.agent.signal(SIGTERM)
        #expect(keeping.agent.wait(timeout: .seconds(15)) == 0)
        let kept = try String(contentsOfFile: keptDirectory + "/audit.jsonl", encoding: .utf8)
        #expect(!kept.contains("agent-stop"))
        _ = keeping.stop()
    }
}
