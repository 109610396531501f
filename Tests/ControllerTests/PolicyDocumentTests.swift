import Foundation
import Controller
import GreencapCore
import Testing

@Suite struct PolicyDocumentTests {
    static let rules = CapRuleSet(
        hardCaps: [
            HardCapRule(
                id: "row-a01", scope: .row("a01"), amount: .eachNode(.watts(5000)), reason: "CRAH 3 service", author: "kim",
                issuedAt: 1_745_625_600_000, expiresAt: 1_745_658_000_000),
            HardCapRule(
                id: "rack-total", scope: .rack("r03"), amount: .scopeTotal(.watts(40_000)), reason: "contract", author: "lee",
                issuedAt: 1_745_625_600_000),
        ],
        circuits: [
            CircuitRule(
                id: "b1", circuit: "r03/B1", breakerRating: .watts(17_300), shares: [CircuitShare(node: "n7"), CircuitShare(node: "n8", weight: 2)],
                reason: "32 A", author: "facility", issuedAt: 1_745_625_600_000)
        ],
        renewable: RenewablePolicy(
            id: "green", floor: .watts(3500), ceiling: .watts(6400),
            tiers: [RenewableTier(minimumScore: 0, cap: .watts(3500)), RenewableTier(minimumScore: 0.5, cap: .watts(6400))],
            author: "energy", issuedAt: 1_745_625_600_000))

    @Test func aPolicyRoundTrips() throws {
        let policy = NodePolicy(
            id: "p-1", issuedAt: 1_745_636_400_000, leaseExpiresAt: 1_745_636_700_000, rules: Self.rules, greenScore: 0.73,
            feedUpdatedAt: 1_745_636_100_000, siteBudgetShare: .watts(5200))
        let decoded = try PolicyDocument.decode(PolicyDocument.encode(policy))
        #expect(decoded == policy)
    }

    @Test func rulesRoundTripAndLeaseFieldsAreNotPartOfThem() throws {
        let bytes = RulesDocument.encode(Self.rules)
        #expect(try RulesDocument.decode(bytes) == Self.rules)
        #expect(!String(decoding: bytes, as: UTF8.self).contains("lease_expires_at"))
    }

    @Test func errorsNameTheField() {
        func problem(_ text: String) -> String {
            do {
                _ = try PolicyDocument.decode(Array(text.utf8))
                return "accepted"
            } catch {
                return error.description
            }
        }
        let envelope = #""format": "greencap-policy/1", "id": "p", "issued_at": "2026-01-01T00:00:00Z", "lease_expires_at": "2026-01-01T00:05:00Z", "green_score": 0.5"#
        #expect(problem("{\(envelope), \"hard_caps\": [{\"id\": \"x\", \"scope\": \"aisle:3\", \"each_node_w\": 1, \"reason\": \"r\", \"author\": \"a\", \"issued_at\": \"2026-01-01T00:00:00Z\"}]}")
            .hasPrefix("hard_caps[0].scope: expected \"site:NAME\""))
        #expect(problem("{\(envelope), \"hard_caps\": [{\"id\": \"x\", \"scope\": \"row:a\", \"reason\": \"r\", \"author\": \"a\", \"issued_at\": \"2026-01-01T00:00:00Z\"}]}")
            == "hard_caps[0]: needs exactly one of each_node_w and scope_total_w")
        #expect(problem("{\(envelope), \"renewable\": {\"id\": \"g\", \"floor_w\": 1, \"ceiling_w\": 2, \"author\": \"a\", \"issued_at\": \"2026-01-01T00:00:00Z\"}}")
            == "renewable.tiers: is missing")
        #expect(problem(#"{"format": "greencap-policy/2"}"#).contains("is missing") || problem(#"{"format": "greencap-policy/2"}"#).hasPrefix("format"))
        #expect(problem("{\(envelope.replacingOccurrences(of: "2026-01-01T00:05:00Z", with: "soon"))}").hasPrefix("lease_expires_at: expected an RFC 3339 time"))
        #expect(problem("not json").contains("not valid JSON"))
    }

    @Test func aPolicyWhoseLeaseIsOverIsRefused() {
        let policy = NodePolicy(id: "p", issuedAt: 0, leaseExpiresAt: 1000, rules: CapRuleSet(), greenScore: 2, feedUpdatedAt: nil)
        let problems = policy.problems(now: 5000)
        #expect(problems.contains { $0.contains("lease already expired") })
        #expect(problems.contains { $0.contains("outside 0…1") })
    }
}
