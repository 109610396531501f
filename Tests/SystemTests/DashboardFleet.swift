import Foundation
import GreencapCore
import GreencapTestSupport

/// A real collector (ingest, cap rules, a replay of three recorded Jeonnam days that ends) and real agents on
/// simulated GPUs, placed in rows and racks: the state the dashboard test renders. The replay file is a cut
/// of the repository's KPX data, so once it has played out the grid hours, green score and forecast stop
/// changing and the page can be compared with the API.
final class DashboardFleet {
    struct Node {
        var id: String
        var row: String
        var rack: String
    }

    static let nodes = [
        Node(id: "gj-n01", row: "r1", rack: "r1-a"), Node(id: "gj-n02", row: "r1", rack: "r1-a"),
        Node(id: "gj-n03", row: "r1", rack: "r1-b"), Node(id: "gj-n04", row: "r2", rack: "r2-a"),
    ]
    /// Replayed: 2023-04-24 to 04-26 KST (a sunny spring stretch), after 28 days the green score is judged
    /// against (the scorer's trailing window).
    static let replayStart = "2023-04-24T00:00:00+09:00"
    static let historyStart = "2023-03-27T00:00:00+09:00"
    static let replayEnd = "2023-04-27T00:00:00+09:00"
    static let replayedHours = 72

    let directory: TemporaryDirectory
    let nvml: SimulatedNVML
    let httpPort: Int
    let database: String
    private(set) var collector: Subprocess?
    private(set) var agents: [Subprocess] = []

    /// - Parameters:
    ///   - replaySeconds: wall-clock seconds the 72 replayed hours take.
    ///   - nodes: the nodes to start agents for (none: a collector alone).
    ///   - tokens: writes `[api] tokens_file` (given its path) before the collector starts; nil: no tokens, reads open.
    init(replaySeconds: Int, nodes: [Node] = DashboardFleet.nodes, tokens: ((String) throws -> Void)? = nil) throws {
        directory = try TemporaryDirectory.make()
        nvml = try SimulatedNVML()
        guard let http = LoopbackPort.unused(), let ingest = LoopbackPort.unused() else { throw TestFailure("no free loopback port") }
        httpPort = http
        database = directory.path + "/collector.sqlite"
        let keys = directory.path + "/node-keys"
        try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
        let issued = Timestamp.formatRFC3339(Int64(Date().timeIntervalSince1970) - 60)
        _ = try directory.write("rules.json", """
            {"format": "greencap-rules/1",
             "renewable": {"id": "jeonnam-green", "floor_w": 3000, "ceiling_w": 6000, "author": "energy-team", "issued_at": "\(issued)",
               "tiers": [{"min_score": 0, "cap_w": 3000}, {"min_score": 0.5, "cap_w": 4500}, {"min_score": 0.7, "cap_w": 6000}]}}
            """)
        let replay = try directory.write("replay.csv", try Self.replayRows())
        let speed = Self.replayedHours * 3600 / max(1, replaySeconds)
        var api = ""
        if let tokens {
            let file = directory.path + "/tokens.toml"
            try tokens(file)
            api = "[api]\ntokens_file = \"\(file)\""
        }
        let collectorConfig = try directory.write("collector.toml", """
            [storage]
            path = "\(database)"
            [grid]
            source = "replay"
            [grid.replay]
            file = "\(replay)"
            speed = \(speed)
            start = "\(Self.replayStart)"
            loop = false
            [policy]
            rules_file = "\(directory.path)/rules.json"
            lease = "6s"
            [ingest]
            enabled = true
            listen = "127.0.0.1:\(ingest)"
            keys_dir = "\(keys)"
            policy_every = "1s"
            [http]
            listen = "127.0.0.1:\(http)"
            \(api)
            """)
        let collector = try Subprocess(try Paths.executable("greencap-collector"), [collectorConfig])
        self.collector = collector
        guard collector.waitForOutput("ingest listening", timeout: .seconds(20)), collector.waitForOutput("http listening") else {
            throw TestFailure("the collector did not start:\n\(collector.text)")
        }
        for node in nodes {
            let key = keys + "/\(node.id).key"
            // Any 32 bytes will do; the collector and the agent only need to hold the same ones.
            let hex = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
            try (hex + "\n").write(toFile: key, atomically: true, encoding: .utf8)
            chmod(key, 0o600)
            let agentKey = directory.path + "/\(node.id).key"
            try FileManager.default.copyItem(atPath: key, toPath: agentKey)
            chmod(agentKey, 0o600)
            let config = try directory.write("\(node.id).toml", """
                [node]
                id = "\(node.id)"
                site = "gwangju"
                row = "\(node.row)"
                rack = "\(node.rack)"
                [control]
                tick = "250ms"
                safe_cap = "4000 W"
                raise_rate = "100 kW"
                raise_jitter = "0s"
                feed_stale_after = "30s"
                audit_file = "\(directory.path)/\(node.id)-audit.jsonl"
                [gpu]
                nvml_library = "\(nvml.libraryPath)"
                [uplink]
                collector = "127.0.0.1:\(ingest)"
                key_file = "\(agentKey)"
                spool_dir = "\(directory.path)/\(node.id)-spool"
                batch = "1s"
                """)
            agents.append(
                try Subprocess(try Paths.executable("greencap-agent"), ["--config", config], environment: ["GREENCAP_NVML_SIM_WORKLOAD": "training"]))
        }
    }

    /// The repository's Jeonnam rows from `historyStart` up to `replayEnd`, with the file's header.
    static func replayRows() throws -> String {
        let lines = try String(contentsOfFile: Paths.jeonnamCSV, encoding: .utf8).split(separator: "\n")
        guard let header = lines.first, let from = Timestamp.parseRFC3339(historyStart), let to = Timestamp.parseRFC3339(replayEnd) else {
            throw TestFailure("\(Paths.jeonnamCSV) has no header")
        }
        let rows = lines.dropFirst().filter { line in
            guard let start = line.split(separator: ",").first.flatMap({ Timestamp.parseRFC3339(String($0)) }) else { return false }
            return start >= from && start < to
        }
        guard rows.count == Int(to - from) / 3600 else { throw TestFailure("expected every hour from \(historyStart) in the data file, found \(rows.count)") }
        return ([header] + rows).joined(separator: "\n") + "\n"
    }

    var log: String {
        "collector:\n\(collector?.text ?? "-")\n" + zip(Self.nodes, agents).map { "agent \($0.id):\n\($1.text)" }.joined(separator: "\n")
    }

    /// `sqlite3` on the collector's file: an independent reader of what it stored.
    func sql(_ query: String) -> Int {
        let result = try? Subprocess.run("/usr/bin/env", ["sqlite3", database, query])
        return Int(result?.output.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? -1
    }

    /// GET on the collector's HTTP API, as text (python3, the same independent client the uplink test uses).
    func get(_ path: String) throws -> String {
        let result = try Subprocess.run(
            "/usr/bin/env",
            ["python3", "-c", "import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())", url(path)])
        guard result.status == 0 else { throw TestFailure("GET \(path) failed: \(result.output)") }
        return result.output
    }

    /// GET without a token: status and body, also for an error status.
    func refusal(_ path: String) throws -> (status: Int, body: [String: Any]) {
        let script = """
            import sys, urllib.request, urllib.error
            try:
                reply = urllib.request.urlopen(sys.argv[1]); print(reply.status); sys.stdout.write(reply.read().decode())
            except urllib.error.HTTPError as error:
                print(error.code); sys.stdout.write(error.read().decode())
            """
        let result = try Subprocess.run("/usr/bin/env", ["python3", "-c", script, url(path)])
        let lines = result.output.split(separator: "\n", maxSplits: 1)
        guard let status = lines.first.flatMap({ Int($0) }), lines.count == 2,
            let body = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any]
        else { throw TestFailure("GET \(path): \(result.output)") }
        return (status, body)
    }

    func json(_ path: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(try get(path).utf8)) as? [String: Any] else {
            throw TestFailure("GET \(path) is not a JSON object")
        }
        return object
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(httpPort)\(path)" }

    /// SIGTERM to every agent, so what the page shows stops changing; the collector keeps serving.
    func stopAgents() -> [Int32] {
        for agent in agents { agent.signal(SIGTERM) }
        return agents.map { $0.wait(timeout: .seconds(15)) }
    }

    func stop() {
        for agent in agents where agent.isRunning { agent.signal(SIGKILL) }
        if let collector, collector.isRunning {
            collector.signal(SIGTERM)
            if collector.wait(timeout: .seconds(10)) != 0, collector.isRunning { collector.signal(SIGKILL) }
        }
        directory.remove()
    }
}
