import Controller
import Foundation
import GreencapCore

/// Stands in for the collector's policy push (which arrives with the binary protocol): once a second it
/// grants every demo node the site's renewable policy at the green score the collector has just stored, with
/// a short lease, by writing the agents' policy file. During the scripted feed outage it keeps renewing the
/// lease but not the score, so the agents see the feed go stale.
struct DemoPolicy {
    let path: String
    let leaseSeconds: Int64 = 5
    private(set) var score = 0.0
    private(set) var feedUpdatedAt: Int64?
    private(set) var issued = 0

    init(state: String) { path = state + "/policy.json" }

    /// The demo site's renewable tiers: 3 kW per node with no renewables, up to 6 kW when they are plentiful.
    static func rules(now: Int64) -> CapRuleSet {
        CapRuleSet(
            renewable: RenewablePolicy(
                id: "jeonnam-green", floor: .watts(3000), ceiling: .watts(6000),
                tiers: [
                    RenewableTier(minimumScore: 0, cap: .watts(3000)), RenewableTier(minimumScore: 0.3, cap: .watts(4000)),
                    RenewableTier(minimumScore: 0.5, cap: .watts(5000)), RenewableTier(minimumScore: 0.7, cap: .watts(6000)),
                ],
                author: "demo-energy-team", issuedAt: now - 60_000))
    }

    mutating func issue(greenScore: Double?, feedDown: Bool) throws(DemoError) {
        let now = Timestamp.nowMilliseconds()
        if !feedDown, let greenScore {
            score = greenScore
            feedUpdatedAt = now
        }
        issued += 1
        let policy = NodePolicy(
            id: "demo-\(issued)", issuedAt: now - 1000, leaseExpiresAt: now + leaseSeconds * 1000, rules: Self.rules(now: now),
            greenScore: score, feedUpdatedAt: feedUpdatedAt)
        // Written beside and renamed over, so an agent never reads half a policy.
        let partial = path + ".new"
        do {
            try Data(PolicyDocument.encode(policy)).write(to: URL(fileURLWithPath: partial))
        } catch {
            throw .cannotWrite(path: partial, reason: error.localizedDescription)
        }
        guard rename(partial, path) == 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
    }
}
