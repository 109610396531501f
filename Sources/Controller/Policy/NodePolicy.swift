import GreencapCore

/// What the collector grants a node: the rules in force, the green score they are evaluated at, and a lease.
///
/// The agent evaluates the rules itself every tick (so a lapsing rule lapses on time even while the collector
/// is silent), and goes to its safe cap when the lease ends or the score's feed goes stale (invariants 1, 3).
public struct NodePolicy: Sendable, Hashable {
    /// Names this version of the policy in acks, logs and audit records.
    public var id: String
    /// Milliseconds, Unix time.
    public var issuedAt: Int64
    public var leaseExpiresAt: Int64
    public var rules: CapRuleSet
    /// 0…1 (docs/green-score.md).
    public var greenScore: Double
    /// When the collector last had fresh feed data behind `greenScore`; nil: never.
    public var feedUpdatedAt: Int64?
    /// This node's share of a site power budget set by the energy team, if any.
    public var siteBudgetShare: Milliwatts?

    public init(
        id: String, issuedAt: Int64, leaseExpiresAt: Int64, rules: CapRuleSet, greenScore: Double,
        feedUpdatedAt: Int64?, siteBudgetShare: Milliwatts? = nil
    ) {
        self.id = id
        self.issuedAt = issuedAt
        self.leaseExpiresAt = leaseExpiresAt
        self.rules = rules
        self.greenScore = greenScore
        self.feedUpdatedAt = feedUpdatedAt
        self.siteBudgetShare = siteBudgetShare
    }

    /// Problems that make the whole policy unusable. A policy whose lease is already over is refused rather
    /// than followed for zero seconds: the node stays on what it had (which lapses to the safe cap by itself).
    public func problems(now: Int64) -> [String] {
        var problems: [String] = []
        if id.isEmpty { problems.append("policy id is empty") }
        if leaseExpiresAt <= issuedAt { problems.append("lease ends (\(leaseExpiresAt)) before it was issued (\(issuedAt))") }
        if leaseExpiresAt <= now { problems.append("lease already expired at \(leaseExpiresAt) (now \(now))") }
        if !greenScore.isFinite || greenScore < 0 || greenScore > 1 { problems.append("green score \(greenScore) is outside 0…1") }
        return problems
    }
}
