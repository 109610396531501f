import AsyncHTTPClient
import Collector
import Foundation
import GreencapConfig
import GreencapCore
import GreencapTestSupport
import Logging
import Synchronization
import Testing

/// Cap changes on the in-process server over a real SQLite store and planner: scope resolution against the
/// nodes the store knows, floors from the nodes' reported lowest enforceable power, circuits from the rules
/// file, the planner's grant carrying the cap, and nothing stored when a request is refused.
@Suite("Cap changes through the API")
struct CapAPITests {
    static let logger = Logger(label: "caps-test")

    @Test("set, list, grant, clear; refusals leave nothing behind")
    func capLifecycle() async throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let now = Int64(Date().timeIntervalSince1970)
        let (tokens, secrets) = try APIAuthTests.writeTokens(directory, now: now)
        let issued = Timestamp.formatRFC3339(now - 60)
        let rules = try directory.write("rules.json", """
            {"format": "greencap-rules/1",
             "circuits": [{"id": "pdu-a1", "circuit": "A1", "breaker_w": 20000, "reason": "32 A breaker", "author": "facilities",
               "issued_at": "\(issued)", "shares": [{"node": "n1", "weight": 1}, {"node": "n2", "weight": 3}]}]}
            """)
        var policy = PolicySettings()
        policy.rulesFile = rules
        let planner = PolicyPlanner(settings: policy, score: CurrentGreenScore(), logger: Self.logger)
        planner.reloadRules()
        var apiSettings = APISettings()
        apiSettings.maxLease = .seconds(3600)
        let settings = apiSettings
        let alice = secrets["alice"]

        try await APITestServer.with(
            seed: { store in
                // Three nodes as node-info leaves them: n1 and n2 in rack r07 (n2 with a reported floor of 3 kW), n3 elsewhere.
                let script = """
                    INSERT INTO node (id, site, row, rack, first_seen_ms, last_seen_ms) VALUES
                        ('n1', 'gwangju', 'a', 'r07', 0, 0), ('n2', 'gwangju', 'a', 'r07', 0, 0), ('n3', 'gwangju', 'b', 'r12', 0, 0);
                    """
                let result = try Subprocess.run("/usr/bin/env", ["sqlite3", store.path, script])
                guard result.status == 0 else { throw TestFailure("sqlite3: \(result.output)") }
                if (try Subprocess.run("/usr/bin/env", ["sqlite3", store.path, "SELECT count(*) FROM pragma_table_info('node') WHERE name = 'lowest_enforceable_mw'"]).output.hasPrefix("1")) {
                    _ = try Subprocess.run("/usr/bin/env", ["sqlite3", store.path, "UPDATE node SET lowest_enforceable_mw = 3000000 WHERE id = 'n2'"])
                }
            },
            telemetry: { SQLiteTelemetryQueries(store: $0) },
            authority: APIAuthority(tokensFile: tokens, logger: Self.logger),
            caps: { CapControl(store: $0, planner: planner, settings: settings) }
        ) { server in
            func post(_ body: String) async throws -> (Int, [String: Any]) {
                try await APIAuthTests.request(server.port, .POST, "/api/v1/caps", token: alice, body: body)
            }
            func count(_ table: String) throws -> String {
                try Subprocess.run("/usr/bin/env", ["sqlite3", server.store.path, "SELECT count(*) FROM \(table)"]).output
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let refusals: [(String, Int, String)] = [
                (#"{"scope":"rack","name":"r07","watts":8000,"lease_seconds":600}"#, 400, "field 'reason' is missing"),
                (#"{"scope":"rack","name":"r07","watts":8000,"lease_seconds":600,"reason":""}"#, 400, "field 'reason' is missing"),
                (#"{"scope":"rack","name":"r07","watts":8000,"reason":"x"}"#, 400, "field 'lease_seconds' is missing"),
                (#"{"scope":"rack","name":"r07","watts":8000,"lease_seconds":7200,"reason":"x"}"#, 400, "expected 1 to 3600 seconds"),
                (#"{"scope":"aisle","name":"r07","watts":8000,"lease_seconds":600,"reason":"x"}"#, 400, "field 'scope'"),
                (#"{"scope":"rack","name":"r07","watts":"8 kW","lease_seconds":600,"reason":"x"}"#, 400, "field 'watts' must be a number"),
                (#"not json"#, 400, "not the JSON expected"),
                (#"{"scope":"rack","name":"r99","watts":8000,"lease_seconds":600,"reason":"x"}"#, 404, "no node the collector knows is in rack 'r99'"),
                (#"{"scope":"row","name":"z","watts":8000,"lease_seconds":600,"reason":"x"}"#, 404, "in row 'z'"),
                (#"{"scope":"rack","name":"r07","watts":3000,"lease_seconds":600,"reason":"x"}"#, 409, "below the floor"),
                (#"{"scope":"rack","name":"r07","watts":90000,"lease_seconds":600,"reason":"x"}"#, 409, "above what the 2 node(s) of rack r07 can draw"),
                (#"{"scope":"circuit","name":"B9","watts":9000,"lease_seconds":600,"reason":"x"}"#, 404, "circuits: A1"),
                (#"{"scope":"circuit","name":"A1","watts":25000,"lease_seconds":600,"reason":"x"}"#, 409, "above circuit A1's breaker rating of 20 kW"),
                (#"{"scope":"circuit","name":"A1","watts":6000,"lease_seconds":600,"reason":"x"}"#, 409, "gives node n1 1500 W"),
            ]
            for (body, status, message) in refusals {
                let (code, reply) = try await post(body)
                #expect(code == status, "\(body): \(reply)")
                let text = "\(reply["error"] ?? "") \(reply["hint"] ?? "")"
                #expect(text.contains(message), "\(body): \(reply)")
            }
            #expect(try count("api_cap") == "0" && count("cap_change") == "0", "a refused request stores nothing")

            let (created, cap) = try await post(#"{"scope":"rack","name":"r07","watts":8000,"lease_seconds":600,"reason":"breaker B3 serviced"}"#)
            #expect(created == 201, "\(cap)")
            #expect(cap["id"] as? String == "api-1" && cap["author"] as? String == "alice" && cap["node_watts"] as? Double == 4000, "\(cap)")
            #expect(cap["nodes"] as? [String] == ["n1", "n2"])
            let (circuit, circuitCap) = try await post(#"{"scope":"circuit","name":"A1","watts":16000,"lease_seconds":600,"reason":"derate A1"}"#)
            #expect(circuit == 201, "\(circuitCap)")

            // The planner grants both to the nodes they cover, with author and reason for the agents' audit. The
            // collector loop gives it the layout every second; here the test does.
            planner.setLayout(try await server.store.fleetLayout())
            let grant = try #require(planner.policy(for: "n1", now: Timestamp.nowMilliseconds()))
            let hardCap = try #require(grant.rules.hardCaps.first { $0.id == "api-1" })
            #expect(hardCap.author == "alice" && hardCap.reason == "breaker B3 serviced" && hardCap.scope == .rack("r07"))
            #expect(hardCap.amount == .eachNode(Milliwatts(4_000_000)))
            #expect(grant.rules.circuits.contains { $0.id == "api-2" && $0.breakerRating == Milliwatts(16_000_000) })

            // A node that joins rack r07 later shares the 8 kW instead of adding 4 kW to it: every node's part is
            // divided again, and the change is pushed at once.
            let pushes = Mutex(0)
            planner.onChange { pushes.withLock { $0 += 1 } }
            _ = try Subprocess.run(
                "/usr/bin/env", ["sqlite3", server.store.path, "INSERT INTO node (id, site, row, rack, first_seen_ms, last_seen_ms) VALUES ('n4', 'gwangju', 'a', 'r07', 0, 0)"])
            planner.setLayout(try await server.store.fleetLayout())
            #expect(pushes.withLock { $0 } == 1, "a layout change that moves a share is pushed")
            for node in ["n1", "n4"] {
                let share = planner.policy(for: node, now: Timestamp.nowMilliseconds())?.rules.hardCaps.first { $0.id == "api-1" }?.amount
                #expect(share == .eachNode(Milliwatts(2_666_666)), "\(node): 8 kW over 3 nodes, got \(String(describing: share))")
            }
            // A node whose placement the collector has not stored yet gets the total undivided: its agent refuses
            // that (RuleEvaluationTests) and holds its safe cap until the next push divides it.
            #expect(planner.policy(for: "n9", now: Timestamp.nowMilliseconds())?.rules.hardCaps.first { $0.id == "api-1" }?.amount == .scopeTotal(Milliwatts(8_000_000)))

            let (_, listed) = try await APIAuthTests.request(server.port, .GET, "/api/v1/caps", token: alice)
            let caps = listed["caps"] as? [[String: Any]] ?? []
            #expect(caps.map { $0["id"] as? String } == ["pdu-a1", "api-1", "api-2"], "\(listed)")
            let rackCap = caps.first { $0["id"] as? String == "api-1" } ?? [:]
            #expect(rackCap["nodes"] as? [String] == ["n1", "n2", "n4"] && rackCap["node_watts"] as? Double == 2666.666, "\(rackCap)")
            #expect(caps.first?["source"] as? String == "rules_file")

            let (noReason, _) = try await APIAuthTests.request(server.port, .DELETE, "/api/v1/caps/api-1", token: alice, body: "{}")
            #expect(noReason == 400)
            let (fileRule, fileRefusal) = try await APIAuthTests.request(server.port, .DELETE, "/api/v1/caps/pdu-a1", token: alice, body: #"{"reason":"x"}"#)
            #expect(fileRule == 409 && (fileRefusal["hint"] as? String)?.contains("rules_file") == true)
            let (cleared, _) = try await APIAuthTests.request(server.port, .DELETE, "/api/v1/caps/api-1", token: alice, body: #"{"reason":"done"}"#)
            #expect(cleared == 200)
            #expect(planner.policy(for: "n1", now: Timestamp.nowMilliseconds())?.rules.hardCaps.contains { $0.id == "api-1" } == false, "cleared caps leave the grant")
            let (again, _) = try await APIAuthTests.request(server.port, .DELETE, "/api/v1/caps/api-1", token: alice, body: #"{"reason":"done"}"#)
            #expect(again == 404)

            let (_, audit) = try await APIAuthTests.request(
                server.port, .GET, "/api/v1/audit?author=alice&node=n2&from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z", token: alice)
            let changes = audit["cap_changes"] as? [[String: Any]] ?? []
            #expect(changes.map { "\($0["action"] ?? "") \($0["cap_id"] ?? "")" } == ["clear api-1", "set api-2", "set api-1"], "\(audit)")
        }
    }
}
