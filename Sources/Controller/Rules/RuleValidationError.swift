import GreencapCore

/// Why a cap rule or renewable policy was rejected, and what the person who wrote it should do.
///
/// A rejected rule never raises a node: the node is held at its safe cap (or lower, if other rules say so)
/// until the rule is fixed. See `CapRuleSet.evaluate`.
public struct RuleValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Problem: Sendable, Hashable {
        case missingID
        case missingAuthor
        case capNotPositive(Milliwatts)
        case floorAboveCeiling(floor: Milliwatts, ceiling: Milliwatts)
        /// The rule would put the node below the lowest power it can be held at (the GPUs' minimum limits plus
        /// the non-GPU load).
        case capBelowGPUMinimums(cap: Milliwatts, lowestEnforceable: Milliwatts)
        case expiresBeforeIssued(issuedAt: Int64, expiresAt: Int64)
        case expiryInPast(expiresAt: Int64, now: Int64)
        case deratingOutOfRange(Double)
        case circuitWithoutNodes
        case shareWeightNotPositive(node: String, weight: Int)
        case nodeListedTwice(String)
        case noTiers
        case firstTierNotAtZero(Double)
        case tierScoresNotAscending(index: Int)
        case tierScoreOutOfRange(index: Int, score: Double)
        case tierOutsideFloorAndCeiling(index: Int, cap: Milliwatts)
        case tierCapsDecrease(index: Int)
        case hysteresisOutOfRange(margin: Double, largestAllowed: Double)
        case duplicateID
        /// A scope total reached a node without the fleet layout that says how many nodes share it.
        case scopeTotalWithoutLayout(Milliwatts)
    }

    public var ruleID: String
    public var problem: Problem

    public init(ruleID: String, problem: Problem) {
        self.ruleID = ruleID
        self.problem = problem
    }

    public var description: String { "rule '\(ruleID)': \(what); \(remedy)" }

    /// What is wrong.
    public var what: String {
        switch problem {
        case .missingID: "has no id"
        case .missingAuthor: "has no author"
        case .capNotPositive(let cap): "cap \(cap.wholeWattsText) is not above zero"
        case .floorAboveCeiling(let floor, let ceiling):
            "floor \(floor.wholeWattsText) is above ceiling \(ceiling.wholeWattsText)"
        case .capBelowGPUMinimums(let cap, let lowest):
            "cap \(cap.wholeWattsText) is below \(lowest.wholeWattsText), the least this node can draw with every GPU at its minimum limit"
        case .expiresBeforeIssued(let issued, let expires):
            "expires (\(expires) ms) before or when it was issued (\(issued) ms)"
        case .expiryInPast(let expires, let now): "expired at \(expires) ms, before now (\(now) ms)"
        case .deratingOutOfRange(let derating): "derating \(derating) is outside (0, 1]"
        case .circuitWithoutNodes: "lists no nodes on the circuit"
        case .shareWeightNotPositive(let node, let weight): "node \(node) has weight \(weight)"
        case .nodeListedTwice(let node): "lists node \(node) twice"
        case .noTiers: "has no tiers"
        case .firstTierNotAtZero(let score): "first tier starts at score \(score), not 0"
        case .tierScoresNotAscending(let index): "tier \(index) does not start above tier \(index - 1)"
        case .tierScoreOutOfRange(let index, let score): "tier \(index) starts at score \(score), outside 0…1"
        case .tierOutsideFloorAndCeiling(let index, let cap): "tier \(index) cap \(cap.wholeWattsText) is outside floor…ceiling"
        case .tierCapsDecrease(let index): "tier \(index) allows less power than tier \(index - 1) at a greener score"
        case .hysteresisOutOfRange(let margin, let largest): "hysteresis \(margin) is outside 0…\(largest)"
        case .duplicateID: "shares its id with another rule"
        case .scopeTotalWithoutLayout(let total):
            "divides \(total.wholeWattsText) among the nodes of its scope, but nothing says how many nodes that is"
        }
    }

    /// What to do about it.
    public var remedy: String {
        switch problem {
        case .missingID: "give the rule a unique id"
        case .missingAuthor: "name the person responsible for the rule"
        case .capNotPositive: "set a cap above zero, or remove the rule"
        case .floorAboveCeiling: "lower the floor or raise the ceiling so that floor ≤ ceiling"
        case .capBelowGPUMinimums:
            "raise the cap to at least the node's lowest enforceable power, or power the node off by other means"
        case .expiresBeforeIssued: "set an expiry after the issue time, or none"
        case .expiryInPast: "set an expiry in the future, or none"
        case .deratingOutOfRange: "use a derating such as 0.8 (80 % of the breaker rating)"
        case .circuitWithoutNodes: "list the nodes fed from the circuit"
        case .shareWeightNotPositive: "give every node a weight of 1 or more"
        case .nodeListedTwice: "list each node once, with its weight"
        case .noTiers: "add at least one tier starting at score 0"
        case .firstTierNotAtZero: "start the first tier at score 0 so every score has a tier"
        case .tierScoresNotAscending: "order tiers by strictly increasing start score"
        case .tierScoreOutOfRange: "use start scores between 0 and 1"
        case .tierOutsideFloorAndCeiling: "keep every tier's cap between the floor and the ceiling"
        case .tierCapsDecrease: "give greener tiers the same or a higher cap"
        case .hysteresisOutOfRange: "use a margin below half the smallest gap between tier start scores"
        case .duplicateID: "give every rule its own id"
        case .scopeTotalWithoutLayout:
            "put the rule in the collector's rules file (the collector divides it among the nodes it knows), or use each_node_w"
        }
    }
}

/// A rule the evaluation left out, and why.
public struct RuleRejection: Sendable, Hashable, CustomStringConvertible {
    public var error: RuleValidationError
    public var ruleID: String { error.ruleID }
    public var description: String { "rejected \(error)" }
}
