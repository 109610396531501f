import Foundation
import GreencapCore
import GreencapTestSupport
import Testing

/// An engineer caps a rack from the real `greencap` binary against a real collector (tokens file, rules
/// file, Jeonnam replay, ingest) with a real agent on eight simulated GPUs in that rack: the cap reaches
/// the agent, which enforces it and audits it with the engineer's name and reason, and it shows in
/// `greencap audit`. Around it: roles, expired and unknown tokens, bad input refused whole, exit codes,
/// a restart that keeps the cap, a lease that ends, and a collector that is gone.
@Suite("greencap caps against a real collector and agent", .serialized)
struct CapsSystemTests {
    @Test("rack cap from the CLI reaches the agent, is audited, and survives a restart; roles and bad input refused")
    func rackCapEndToEnd() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let nvml = try SimulatedNVML()
        let ingestPort = try #require(LoopbackPort.unused())
        let httpPort = try #require(LoopbackPort.unused())
        let node = "n-r07-1"
        let keys = directory.path + "/node-keys"
        try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
        let agentKey = try directory.write("node.key", String(repeating: "5a", count: 32) + "\n")
        chmod(agentKey, 0o600)
        try FileManager.default.copyItem(atPath: agentKey, toPath: keys + "/\(node).key")

        // Tokens, made by the real token command; the file holds hashes only.
        let tokens = directory.path + "/tokens.toml"
        let alice = try addToken(file: tokens, name: "alice", role: "engineer", expires: "1d")
        let vic = try addToken(file: tokens, name: "vic", role: "viewer")
        let old = try addToken(file: tokens, name: "old", role: "engineer", expires: "1s")
        let oldExpiresBy = Date().addingTimeInterval(2.5)
        let tokensText = try String(contentsOfFile: tokens, encoding: .utf8)
        for secret in [alice, vic, old] {
            #expect(!tokensText.contains(secret), "the tokens file must never hold a secret")
            let sha = try Subprocess.run("/usr/bin/env", ["sh", "-c", "printf %s '\(secret)' | sha256sum"]).output.prefix(64)
            #expect(tokensText.contains("sha256 = \"\(sha)\""), "stored as its SHA-256 (checked with sha256sum)")
        }
        let listed = try Subprocess.run(try Paths.executable("greencap-collector"), ["token", "list", "--tokens-file", tokens])
        #expect(listed.status == 0 && listed.output.contains("alice") && listed.output.contains("engineer"), "\(listed.output)")

        let now = Timestamp.formatRFC3339(Int64(Date().timeIntervalSince1970) - 60)
        _ = try directory.write("rules.json", """
            {"format": "greencap-rules/1",
             "renewable": {"id": "jeonnam-green", "floor_w": 3000, "ceiling_w": 6000, "author": "energy-team", "issued_at": "\(now)",
               "tiers": [{"min_score": 0, "cap_w": 4500}, {"min_score": 0.7, "cap_w": 6000}]}}
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
            listen = "127.0.0.1:\(ingestPort)"
            keys_dir = "\(keys)"
            policy_every = "1s"
            [http]
            listen = "127.0.0.1:\(httpPort)"
            [api]
            tokens_file = "\(tokens)"
            max_lease = "24h"
            node_floor = "2 kW"
            node_ceiling = "12 kW"
            """)
        let audit = directory.path + "/audit.jsonl"
        let agentConfig = try directory.write("agent.toml", """
            [node]
            id = "\(node)"
            site = "gwangju"
            row = "a"
            rack = "r07"
            [control]
            tick = "250ms"
            safe_cap = "4000 W"
            raise_rate = "100 kW"
            raise_jitter = "0s"
            feed_stale_after = "30s"
            audit_file = "\(audit)"
            [gpu]
            nvml_library = "\(nvml.libraryPath)"
            [uplink]
            collector = "127.0.0.1:\(ingestPort)"
            key_file = "\(agentKey)"
            spool_dir = "\(directory.path)/spool"
            batch = "1s"
            """)
        func sql(_ query: String) throws -> String {
            try Subprocess.run("/usr/bin/env", ["sqlite3", database, query]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        var collector = try Subprocess(try Paths.executable("greencap-collector"), [collectorConfig])
        defer { if collector.isRunning { collector.signal(SIGKILL) } }
        #expect(collector.waitForOutput("http listening", timeout: .seconds(20)), "\(collector.text)")
        let receiver = try NotifyReceiver(abstract: true)
        let agent = try Subprocess(
            try Paths.executable("greencap-agent"), ["--config", agentConfig],
            environment: ["NOTIFY_SOCKET": receiver.address, "GREENCAP_NVML_SIM_WORKLOAD": "training"])
        defer { if agent.isRunning { agent.signal(SIGKILL) } }
        let log = { "agent status: \(receiver.lastStatus ?? "-")\nagent:\n\(agent.text)\ncollector:\n\(collector.text)" }
        #expect(agent.waitForOutput("connected to the collector", timeout: .seconds(20)), "\(log())")
        // The rack comes from the agent's [node] placement over the binary protocol (node-info).
        #expect(try eventually(timeout: 10) { try sql("SELECT rack FROM node WHERE id = '\(node)'") == "r07" }, "\(log())")

        var cli = try GreencapCLI(directory: directory)
        cli.environment = ["GREENCAP_COLLECTOR": "http://127.0.0.1:\(httpPort)"]
        let engineer = ["GREENCAP_TOKEN": alice]

        // Not authenticated / not permitted: 77, and the body says why.
        let anonymous = try cli.run(["status"])
        #expect(anonymous.status == 77 && anonymous.output.contains("no API token"), "\(anonymous.output)")
        let unknown = try cli.run(["status", "--token", "gct_not_a_token"])
        #expect(unknown.status == 77 && unknown.output.contains("unknown API token"), "\(unknown.output)")
        // The token must really have expired: on a fast machine the collector and agent are up within a second.
        Thread.sleep(until: oldExpiresBy)
        let expired = try cli.run(["caps", "list", "--token", old])
        #expect(expired.status == 77 && expired.output.contains("API token 'old' expired at 20"), "\(expired.output)")
        let set = ["caps", "set", "--rack", "r07", "--watts", "3.2kW", "--lease", "1h", "--reason", "breaker B3 serviced"]
        let viewer = try cli.run(set, environment: ["GREENCAP_TOKEN": vic])
        #expect(viewer.status == 77, "\(viewer.output)")
        #expect(viewer.output.contains("setting a cap needs role engineer or higher; token 'vic' has role viewer"), "\(viewer.output)")
        let viewerReads = try cli.run(["status", "--rack", "r07", "--json"], environment: ["GREENCAP_TOKEN": vic])
        #expect(viewerReads.status == 0 && jsonObject(viewerReads.output)?["nodes"] != nil, "\(viewerReads.output)")

        // Bad input: 65, a clear message, nothing stored.
        let refusals: [([String], String)] = [
            (["caps", "set", "--rack", "r99", "--watts", "3.2kW", "--lease", "1h", "--reason", "x"], "no node the collector knows is in rack 'r99'"),
            (["caps", "set", "--node", "n-nowhere", "--watts", "3.2kW", "--lease", "1h", "--reason", "x"], "no node 'n-nowhere' is known to this collector"),
            (["caps", "set", "--rack", "r07", "--watts", "900W", "--lease", "1h", "--reason", "x"], "below the floor of"),
            (["caps", "set", "--rack", "r07", "--watts", "40kW", "--lease", "1h", "--reason", "x"], "above what the 1 node(s) of rack r07 can draw"),
            (["caps", "set", "--rack", "r07", "--watts", "3.2kW", "--lease", "2d", "--reason", "x"], "field 'lease_seconds': expected 1 to 86400 seconds"),
            (["caps", "set", "--circuit", "pdu-9", "--watts", "3.2kW", "--lease", "1h", "--reason", "x"], "no circuit 'pdu-9'"),
            (["caps", "clear", "api-999", "--reason", "x"], "no cap 'api-999' is in force"),
        ]
        for (arguments, message) in refusals {
            let refused = try cli.run(arguments, environment: engineer)
            #expect(refused.status == 65, "\(arguments): \(refused.output)")
            #expect(refused.output.contains(message), "\(arguments): \(refused.output)")
        }
        // The API itself refuses a missing reason (the CLI already does, with 64).
        let raw = try Subprocess.run("/usr/bin/env", [
            "python3", "-c",
            """
            import urllib.request, urllib.error
            request = urllib.request.Request('http://127.0.0.1:\(httpPort)/api/v1/caps', method='POST',
                data=b'{"scope":"rack","name":"r07","watts":3200,"lease_seconds":60,"reason":"  "}',
                headers={'Authorization': 'Bearer \(alice)', 'Content-Type': 'application/json'})
            try:
                urllib.request.urlopen(request)
            except urllib.error.HTTPError as error:
                print(error.code, error.read().decode())
            """,
        ])
        #expect(raw.output.hasPrefix("400 ") && raw.output.contains("field 'reason' is missing"), "\(raw.output)")
        #expect(try sql("SELECT count(*) FROM api_cap") == "0" && sql("SELECT count(*) FROM cap_change") == "0", "nothing half-applied")

        // The engineer's cap: stored, pushed, enforced and audited by the agent with author and reason.
        let placed = try cli.run(set, environment: engineer)
        #expect(placed.status == 0, "\(placed.output)\n\(log())")
        #expect(placed.output.contains("cap api-1 set: rack r07 at 3.2 kW (3.2 kW on each of 1 node(s))"), "\(placed.output)")
        #expect(placed.output.contains("by alice: breaker B3 serviced"), "\(placed.output)")
        #expect(
            eventually(timeout: 10) {
                let lines = (try? String(contentsOfFile: audit, encoding: .utf8)) ?? ""
                return lines.split(separator: "\n").filter {
                    $0.contains("\"cause\":\"hard-cap\"") && $0.contains("\"author\":\"alice\"") && $0.contains("api-1")
                        && $0.contains("breaker B3 serviced")
                }.count >= 8
            }, "every GPU's limit change names the rule, author and reason: \(log())")

        // ... and the collector's audit has both the engineer's change and the agent's records.
        #expect(
            try eventually(timeout: 10) {
                let found = try cli.run(["audit", "--author", "alice", "--cause", "hard-cap", "--since", "1h", "--json"], environment: engineer)
                let entries = jsonObject(found.output)?["entries"] as? [[String: Any]] ?? []
                return entries.filter { ($0["cause"] as? String)?.contains("hard cap 'api-1' on rack r07 by alice: breaker B3 serviced") == true }.count >= 8
            }, "\(log())")
        let table = try cli.run(["audit", "--author", "alice", "--since", "1h"], environment: ["GREENCAP_TOKEN": vic])
        #expect(table.status == 0 && table.output.contains("cap set api-1 3.2 kW") && table.output.contains("rack r07"), "\(table.output)")
        let status = try cli.run(["status", "--rack", "r07"], environment: engineer)
        #expect(status.status == 0 && status.output.contains(node) && status.output.contains("r07"), "\(status.output)")
        // --watch --json: one document per interval, written as it comes (stopped by timeout, as Ctrl-C would).
        let watched = try Subprocess.run(
            "/usr/bin/env", ["timeout", "2.5", try Paths.executable("greencap"), "status", "--watch", "--interval", "1s", "--json"],
            environment: ["XDG_CONFIG_HOME": cli.configHome, "GREENCAP_COLLECTOR": "http://127.0.0.1:\(httpPort)", "GREENCAP_TOKEN": vic])
        #expect(watched.status == 124 && watched.output.components(separatedBy: "\"nodes\":").count - 1 >= 2, "\(watched.output)")

        // A restart keeps the cap: it is in force again before the agent reconnects.
        collector.signal(SIGTERM)
        #expect(collector.wait(timeout: .seconds(15)) == 0, "\(log())")
        collector = try Subprocess(try Paths.executable("greencap-collector"), [collectorConfig])
        #expect(collector.waitForOutput("http listening", timeout: .seconds(20)), "\(log())")
        let list = try cli.run(["caps", "list", "--json"], environment: engineer)
        let caps = jsonObject(list.output)?["caps"] as? [[String: Any]] ?? []
        #expect(caps.contains { $0["id"] as? String == "api-1" && $0["source"] as? String == "api" && $0["author"] as? String == "alice" }, "\(list.output)")

        // Clearing needs a reason and an engineer; it is logged with both.
        let clearedByViewer = try cli.run(["caps", "clear", "api-1", "--reason", "done"], environment: ["GREENCAP_TOKEN": vic])
        #expect(clearedByViewer.status == 77, "\(clearedByViewer.output)")
        let cleared = try cli.run(["caps", "clear", "api-1", "--reason", "breaker B3 back"], environment: engineer)
        #expect(cleared.status == 0 && cleared.output.contains("cleared by alice"), "\(cleared.output)")
        #expect(try sql("SELECT action || ' ' || author || ' ' || reason FROM cap_change ORDER BY id") == "set alice breaker B3 serviced\nclear alice breaker B3 back")

        // A short lease ends on its own and is logged as such.
        let brief = try cli.run(["caps", "set", "--node", node, "--watts", "3kW", "--lease", "2s", "--reason", "short test"], environment: engineer)
        #expect(brief.status == 0, "\(brief.output)")
        #expect(try eventually(timeout: 8) { try sql("SELECT count(*) FROM cap_change WHERE action = 'expire' AND cap_id = 'api-2'") == "1" }, "\(log())")
        let expiredCaps = try cli.run(["audit", "--cause", "expire", "--since", "1h", "--json"], environment: engineer)
        #expect((jsonObject(expiredCaps.output)?["cap_changes"] as? [[String: Any]])?.first?["author"] as? String == "collector", "\(expiredCaps.output)")

        agent.signal(SIGTERM)
        #expect(agent.wait(timeout: .seconds(15)) == 0, "\(log())")

        // A collector that is gone: 69, at once (not after the request timeout).
        collector.signal(SIGTERM)
        #expect(collector.wait(timeout: .seconds(15)) == 0, "\(log())")
        let started = Date()
        let gone = try cli.run(["caps", "list"], environment: engineer)
        #expect(gone.status == 69 && gone.output.contains("cannot reach the collector at http://127.0.0.1:\(httpPort)"), "\(gone.output)")
        #expect(Date().timeIntervalSince(started) < 5, "a refused connection is reported without retrying until the timeout")
    }
}
