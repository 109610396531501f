import Controller
import GreencapCore

/// The collector's downlink: the rules a node enforces, under a lease, with the grid state they were made for.
public struct PolicyMessage: Sendable, Hashable {
    public var policyID: String
    public var issuedAt: Int64
    /// After this the agent falls back to its safe cap unless a newer policy arrived.
    public var leaseExpiresAt: Int64
    /// 0…1, carried in millionths.
    public var greenScore: Double
    public var feedUpdatedAt: Int64
    public var siteBudgetShare: Milliwatts?
    public var rules: CapRuleSet

    public init(
        policyID: String, issuedAt: Int64, leaseExpiresAt: Int64, greenScore: Double, feedUpdatedAt: Int64,
        siteBudgetShare: Milliwatts? = nil, rules: CapRuleSet
    ) {
        self.policyID = policyID
        self.issuedAt = issuedAt
        self.leaseExpiresAt = leaseExpiresAt
        self.greenScore = greenScore
        self.feedUpdatedAt = feedUpdatedAt
        self.siteBudgetShare = siteBudgetShare
        self.rules = rules
    }
}
