import Foundation
import GreencapCore
import GreencapTestSupport
import Testing

/// A real agent (eight simulated GPUs) and a real collector (ingest, Jeonnam replay, cap rules) talking the
/// binary protocol: telemetry and audit records arrive, the collector's policy reaches the GPUs, and a
/// collector killed mid-stream loses nothing the agent measured.
@Suite("Agent uplink to a real collector", .serialized)
struct AgentUplinkSystemTests {
    static func eventually(timeout seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return condition()
    }

    @Test("telemetry, audit and policy flow; a SIGKILLed collector loses nothing the agent measured")
    func endToEnd() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let nvml = try SimulatedNVML()
        let port = try #require(LoopbackPort.unused())
        let httpPort = try #require(LoopbackPort.unused())
        let node = "n-uplink"
        let keys = directory.path + "/node-keys"
        try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
        try CollectorUnderTest.writeKey(node: node, into: keys)
        let agentKey = directory.path + "/node.key"
        try FileManager.default.copyItem(atPath: keys + "/\(node).key", toPath: agentKey)
        chmod(agentKey, 0o600)
        let now = Timestamp.formatRFC3339(Int64(Date().timeIntervalSince1970) - 60)
        _ = try directory.write("rules.json", """
            {"format": "greencap-rules/1",
             "renewable": {"id": "jeonnam-green", "floor_w": 3000, "ceiling_w": 6000, "author": "energy-team", "issued_at": "\(now)",
               "tiers": [{"min_score": 0, "cap_w": 3000}, {"min_score": 0.5, "cap_w": 4500}, {"min_score": 0.7, "cap_w": 6000}]}}
            """)
        let database = directory.path + "/collector.sqlite"
        let collectorConfig = try directory.write("collector.toml", """
            [storage]
            path = "\(database)"
            [grid]
            source = "replay"
            [grid.replay]
            file = "\(Paths.jeonnamCSV)"
            speed = 3600
            start = "2023-04-26T11:00:00+09:00"
            [policy]
            rules_file = "\(directory.path)/rules.json"
            lease = "6s"
            [ingest]
            enabled = true
            listen = "127.0.0.1:\(port)"
            keys_dir = "\(keys)"
            policy_every = "1s"
            [http]
            listen = "127.0.0.1:\(httpPort)"
            """)
        let agentConfig = try directory.write("agent.toml", """
            [node]
            id = "\(node)"
            site = "naju"
            row = "r3"
            rack = "k7"
            [control]
            tick = "250ms"
            safe_cap = "4000 W"
            raise_rate = "100 kW"
            raise_jitter = "0s"
            feed_stale_after = "30s"
            audit_file = "\(directory.path)/audit.jsonl"
            [gpu]
            nvml_library = "\(nvml.libraryPath)"
            [uplink]
            collector = "127.0.0.1:\(port)"
            key_file = "\(agentKey)"
            spool_dir = "\(directory.path)/spool"
            batch = "1s"
            """)
        func sql(_ query: String) throws -> Int {
            Int(try Subprocess.run("/usr/bin/env", ["sqlite3", database, query]).output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        }

        var collector = try Subprocess(try Paths.executable("greencap-collector"), [collectorConfig])
        defer { if collector.isRunning { collector.signal(SIGKILL) } }
        #expect(collector.waitForOutput("ingest listening", timeout: .seconds(20)), "\(collector.text)")
        let receiver = try NotifyReceiver(abstract: true)
        let agent = try Subprocess(
            try Paths.executable("greencap-agent"), ["--config", agentConfig],
            environment: ["NOTIFY_SOCKET": receiver.address, "GREENCAP_NVML_SIM_WORKLOAD": "training"])
        defer { if agent.isRunning { agent.signal(SIGKILL) } }
        let log = { "agent status: \(receiver.lastStatus ?? "-")\nagent:\n\(agent.text)\ncollector:\n\(collector.text)" }

        // The collector's grant (rules at the replayed midday score) reaches the GPUs.
        #expect(receiver.waitFor(timeout: .seconds(20)) { $0.contains("(green ") && $0.contains("tier 2") } != nil, "\(log())")
        #expect(agent.waitForOutput("connected to the collector"), "\(log())")
        Thread.sleep(forTimeInterval: 2)
        #expect(try sql("SELECT count(*) FROM policy_delivery WHERE node_id = '\(node)' AND outcome = 'applied'") > 0, "\(log())")
        #expect(try sql("SELECT count(*) FROM audit WHERE node_id = '\(node)'") >= 8, "the first cap change, GPU by GPU")
        #expect(try sql("SELECT count(*) FROM sample_chunk") > 0, "\(log())")
        // The node's placement and power range arrived in its node-info message.
        #expect(
            try sql(
                """
                SELECT count(*) FROM node WHERE id = '\(node)' AND site = 'naju' AND row = 'r3' AND rack = 'k7'
                    AND safe_cap_mw = 4000000 AND gpu_count > 0 AND lowest_enforceable_mw > 0
                    AND highest_enforceable_mw > lowest_enforceable_mw
                """) == 1, "\(log())")

        // The collector dies; the agent keeps measuring into its spool and, once the lease runs out, holds
        // its safe cap.
        collector.signal(SIGKILL)
        collector.wait(timeout: .seconds(10))
        let killedAt = Int64(Date().timeIntervalSince1970 * 1000)
        #expect(receiver.waitFor(timeout: .seconds(15)) { $0.contains("SAFE: lease expired") } != nil, "\(log())")
        Thread.sleep(forTimeInterval: 1)
        let restartedAt = Int64(Date().timeIntervalSince1970 * 1000)
        collector = try Subprocess(try Paths.executable("greencap-collector"), [collectorConfig])
        #expect(collector.waitForOutput("ingest listening", timeout: .seconds(20)), "\(log())")
        // The agent retries on a jittered, doubling schedule (up to 16 s by now): wait for its second session.
        #expect(Self.eventually(timeout: 40) { agent.text.components(separatedBy: "connected to the collector").count >= 3 }, "\(log())")
        #expect(Self.eventually(timeout: 15) { (try? sql("SELECT count(*) FROM audit WHERE node_id = '\(node)' AND cause_text LIKE '%lease expired%'")) ?? 0 >= 8 }, "\(log())")
        #expect(receiver.waitFor(timeout: .seconds(10)) { $0.contains("(green ") } != nil, "policy again after reconnecting: \(log())")

        // Every tick the agent measured while the collector was down is stored, each exactly once.
        let power = "(SELECT id FROM series WHERE node_id = '\(node)' AND metric = 'gpu_power_watts' AND labels = 'gpu=0')"
        let stored = try sql("SELECT sum(count) FROM sample_chunk WHERE series_id = \(power) AND start_ms >= \(killedAt) AND end_ms < \(restartedAt)")
        let expected = Int((restartedAt - killedAt) / 250)
        #expect(stored >= expected - 8 && stored <= expected + 4, "stored \(stored) of ~\(expected) ticks in the outage: \(log())")
        #expect(try sql("SELECT count(*) - count(DISTINCT start_ms) FROM sample_chunk WHERE series_id = \(power)") == 0, "no chunk twice")
        #expect(try sql("SELECT count(*) - count(DISTINCT sequence) FROM ingested_batch WHERE node_id = '\(node)'") == 0)

        // What the collector counted is on /metrics, in a format promtool accepts.
        let scrape = try Subprocess.run(
            "/usr/bin/env", ["python3", "-c", "import urllib.request,sys; sys.stdout.write(urllib.request.urlopen('http://127.0.0.1:\(httpPort)/metrics').read().decode())"])
        func value(_ prefix: String) -> Double {
            let line = scrape.output.split(separator: "\n").first { $0.hasPrefix(prefix + " ") }
            return line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? -1
        }
        #expect(value("greencap_ingest_samples_total") > 0, "\(scrape.output)")
        #expect(value("greencap_ingest_bytes_total") > 0, "\(scrape.output)")
        #expect(value("greencap_ingest_connected_nodes") == 1, "\(scrape.output)")
        #expect(value("greencap_store_commit_duration_seconds_count") > 0, "\(scrape.output)")
        let metricsFile = try directory.write("metrics.txt", scrape.output)
        let promtool = try Subprocess.run("/usr/bin/env", ["sh", "-c", "promtool check metrics < \(metricsFile)"])
        #expect(promtool.status == 0, "\(promtool.output)")

        agent.signal(SIGTERM)
        #expect(agent.wait(timeout: .seconds(15)) == 0, "\(log())")
        collector.signal(SIGTERM)
        #expect(collector.wait(timeout: .seconds(15)) == 0, "\(log())")
    }
}
