import GreencapCore

/// How much power a hard cap allows.
public enum CapAmount: Sendable, Hashable, CustomStringConvertible {
    /// Every node in the scope may draw at most this.
    case eachNode(Milliwatts)
    /// The scope as a whole may draw at most this; each node gets an equal share (see `FleetLayout`).
    case scopeTotal(Milliwatts)

    public var description: String {
        switch self {
        case .eachNode(let cap): "\(cap.wholeWattsText) per node"
        case .scopeTotal(let cap): "\(cap.wholeWattsText) in total"
        }
    }
}

/// A facility engineer's limit on a site, row, rack or node: always wins over renewable policy.
public struct HardCapRule: Sendable, Hashable {
    public var id: String
    public var scope: CapScope
    public var amount: CapAmount
    /// Why the cap exists, for the explanation and the audit ("row 3 cooling maintenance").
    public var reason: String
    /// The person who set it; audit records of changes it causes carry this name.
    public var author: String
    /// When it was set (milliseconds on the collector's clock).
    public var issuedAt: Int64
    /// When it lapses; nil: until removed. A lapsed rule simply stops applying.
    public var expiresAt: Int64?

    public init(
        id: String, scope: CapScope, amount: CapAmount, reason: String, author: String, issuedAt: Int64,
        expiresAt: Int64? = nil
    ) {
        self.id = id
        self.scope = scope
        self.amount = amount
        self.reason = reason
        self.author = author
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }

    /// Checks that need nothing but the rule itself.
    public func validate() throws(RuleValidationError) {
        try RuleChecks.identified(id, author: author)
        let cap: Milliwatts
        switch amount {
        case .eachNode(let value), .scopeTotal(let value): cap = value
        }
        guard cap.value > 0 else { throw RuleValidationError(ruleID: id, problem: .capNotPositive(cap)) }
        try RuleChecks.lease(id, issuedAt: issuedAt, expiresAt: expiresAt)
    }

    /// What one node of the scope may draw under this rule. A scope total needs the layout to be divided:
    /// without one the rule is refused (the node goes to its safe cap) rather than give every node the total.
    func nodeShare(for node: NodeIdentity, layout: FleetLayout?) throws(RuleValidationError) -> Milliwatts {
        switch amount {
        case .eachNode(let cap):
            return cap
        case .scopeTotal(let total):
            guard let layout else { throw RuleValidationError(ruleID: id, problem: .scopeTotalWithoutLayout(total)) }
            return layout.share(of: total, in: scope, for: node)
        }
    }

    /// The same rule with its total divided for `node`: what the collector sends, since a policy carries no
    /// layout. A rule that is already per node comes back unchanged.
    public func dividedPerNode(for node: NodeIdentity, layout: FleetLayout) -> HardCapRule {
        guard case .scopeTotal(let total) = amount else { return self }
        var divided = self
        divided.amount = .eachNode(layout.share(of: total, in: scope, for: node))
        return divided
    }
}

/// Checks shared by every rule type.
enum RuleChecks {
    static func identified(_ id: String, author: String) throws(RuleValidationError) {
        guard !id.isEmpty else { throw RuleValidationError(ruleID: id, problem: .missingID) }
        guard !author.isEmpty else { throw RuleValidationError(ruleID: id, problem: .missingAuthor) }
    }

    static func lease(_ id: String, issuedAt: Int64, expiresAt: Int64?) throws(RuleValidationError) {
        if let expiresAt, expiresAt <= issuedAt {
            throw RuleValidationError(ruleID: id, problem: .expiresBeforeIssued(issuedAt: issuedAt, expiresAt: expiresAt))
        }
    }

    /// A rule submitted (or carried in a policy) whose expiry has already passed cannot mean anything.
    static func notExpired(_ id: String, expiresAt: Int64?, now: Int64) throws(RuleValidationError) {
        if let expiresAt, expiresAt <= now {
            throw RuleValidationError(ruleID: id, problem: .expiryInPast(expiresAt: expiresAt, now: now))
        }
    }
}
