import GreencapCore

/// One node's part of a PDU circuit.
public struct CircuitShare: Sendable, Hashable {
    public var node: String
    /// Relative weight: a node with weight 2 gets twice the power of a node with weight 1.
    public var weight: Int

    public init(node: String, weight: Int = 1) {
        self.node = node
        self.weight = weight
    }
}

/// A PDU circuit's breaker: usable power = rating × derating (80 % by default, the continuous-load rule for
/// breakers), divided among the nodes fed from it by their weights.
public struct CircuitRule: Sendable, Hashable {
    public static let defaultDerating = 0.8

    public var id: String
    public var circuit: String
    public var breakerRating: Milliwatts
    /// Fraction of the rating that may be drawn continuously, in (0, 1].
    public var derating: Double
    public var shares: [CircuitShare]
    public var reason: String
    public var author: String
    public var issuedAt: Int64
    public var expiresAt: Int64?

    public init(
        id: String, circuit: String, breakerRating: Milliwatts, derating: Double = CircuitRule.defaultDerating,
        shares: [CircuitShare], reason: String, author: String, issuedAt: Int64, expiresAt: Int64? = nil
    ) {
        self.id = id
        self.circuit = circuit
        self.breakerRating = breakerRating
        self.derating = derating
        self.shares = shares
        self.reason = reason
        self.author = author
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }

    /// The continuous power the circuit may carry.
    public var usablePower: Milliwatts { Milliwatts(Int64((Double(breakerRating.value) * derating).rounded(.down))) }

    public func applies(to node: NodeIdentity) -> Bool { shares.contains { $0.node == node.id } }

    public func validate() throws(RuleValidationError) {
        try RuleChecks.identified(id, author: author)
        guard breakerRating.value > 0 else { throw RuleValidationError(ruleID: id, problem: .capNotPositive(breakerRating)) }
        guard derating > 0, derating <= 1 else { throw RuleValidationError(ruleID: id, problem: .deratingOutOfRange(derating)) }
        guard !shares.isEmpty else { throw RuleValidationError(ruleID: id, problem: .circuitWithoutNodes) }
        var seen = Set<String>()
        for share in shares {
            guard share.weight > 0 else {
                throw RuleValidationError(ruleID: id, problem: .shareWeightNotPositive(node: share.node, weight: share.weight))
            }
            guard seen.insert(share.node).inserted else {
                throw RuleValidationError(ruleID: id, problem: .nodeListedTwice(share.node))
            }
        }
        try RuleChecks.lease(id, issuedAt: issuedAt, expiresAt: expiresAt)
    }

    /// This node's part of the usable power; nil when the node is not on the circuit.
    public func nodeShare(for node: NodeIdentity) -> Milliwatts? {
        guard let mine = shares.first(where: { $0.node == node.id }) else { return nil }
        let total = shares.reduce(0) { $0 + max(0, $1.weight) }
        guard total > 0 else { return nil }
        // Rounded down: shares never add up to more than the circuit carries.
        return Milliwatts(usablePower.value * Int64(mine.weight) / Int64(total))
    }
}
