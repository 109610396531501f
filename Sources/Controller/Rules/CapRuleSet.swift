import GreencapCore

/// What the evaluation needs to know about one node.
public struct NodeFacts: Sendable, Hashable {
    public var identity: NodeIdentity
    /// Where the node goes when anything is wrong (invariant 1): below every breaker share, above the floor
    /// its jobs need to survive.
    public var safeCap: Milliwatts
    /// The least the node can be held to: its GPUs' minimum limits plus its non-GPU load.
    public var lowestEnforceable: Milliwatts

    public init(identity: NodeIdentity, safeCap: Milliwatts, lowestEnforceable: Milliwatts) {
        self.identity = identity
        self.safeCap = safeCap
        self.lowestEnforceable = lowestEnforceable
    }
}

/// Every rule in force: engineers' hard caps, PDU circuits, and the renewable policy.
///
/// The same evaluation runs in the collector (to plan and to explain) and in the agent (to enforce), so it
/// is a pure function of the rules, the node, the score and the time.
public struct CapRuleSet: Sendable, Hashable {
    public var hardCaps: [HardCapRule]
    public var circuits: [CircuitRule]
    public var renewable: RenewablePolicy?
    /// Needed only by scope-total hard caps.
    public var layout: FleetLayout?

    public init(
        hardCaps: [HardCapRule] = [], circuits: [CircuitRule] = [], renewable: RenewablePolicy? = nil,
        layout: FleetLayout? = nil
    ) {
        self.hardCaps = hardCaps
        self.circuits = circuits
        self.renewable = renewable
        self.layout = layout
    }

    /// The node's target: the minimum of every hard cap and circuit share that applies, the renewable cap
    /// for the green score, and the safe cap when there is no renewable policy or a rule for this node was
    /// rejected. Rejected rules are listed with the reason and what to do; lapsed ones are listed too.
    ///
    /// - Parameters:
    ///   - greenScore: 0…1; not a number counts as 0.
    ///   - siteBudgetShare: this node's part of the site power budget, when the energy team set one.
    ///   - now: milliseconds on the same clock as the rules' issue and expiry times.
    ///   - previousTier: the `renewableTier` of this node's previous target, for hysteresis.
    public func evaluate(
        for node: NodeFacts, greenScore: Double, siteBudgetShare: Milliwatts? = nil, now: Int64, previousTier: Int?
    ) -> NodeTarget {
        var terms: [TargetTerm] = []
        var rejections: [RuleRejection] = []
        var lapsed: [String] = []
        var firstRejected: String?
        let duplicates = duplicateIDs()

        func reject(_ error: RuleValidationError) {
            rejections.append(RuleRejection(error: error))
            if firstRejected == nil { firstRejected = error.ruleID }
        }
        func check(_ id: String) throws(RuleValidationError) {
            if duplicates.contains(id) { throw RuleValidationError(ruleID: id, problem: .duplicateID) }
        }
        func enforceable(_ id: String, _ cap: Milliwatts) throws(RuleValidationError) {
            guard cap >= node.lowestEnforceable else {
                throw RuleValidationError(
                    ruleID: id, problem: .capBelowGPUMinimums(cap: cap, lowestEnforceable: node.lowestEnforceable))
            }
        }
        func hasLapsed(_ expiresAt: Int64?) -> Bool { expiresAt.map { $0 <= now } ?? false }

        for rule in hardCaps where rule.scope.contains(node.identity) {
            if hasLapsed(rule.expiresAt) {
                lapsed.append(rule.id)
                continue
            }
            do throws(RuleValidationError) {
                try rule.validate()
                try check(rule.id)
                let share = try rule.nodeShare(for: node.identity, layout: layout)
                try enforceable(rule.id, share)
                terms.append(
                    TargetTerm(
                        cap: share, cause: .hardCap(ruleID: rule.id, scope: rule.scope, author: rule.author, reason: rule.reason)))
            } catch {
                reject(error)
            }
        }

        for rule in circuits where rule.applies(to: node.identity) {
            if hasLapsed(rule.expiresAt) {
                lapsed.append(rule.id)
                continue
            }
            do throws(RuleValidationError) {
                try rule.validate()
                try check(rule.id)
                guard let share = rule.nodeShare(for: node.identity) else { continue }
                try enforceable(rule.id, share)
                terms.append(TargetTerm(cap: share, cause: .circuit(ruleID: rule.id, circuit: rule.circuit, author: rule.author)))
            } catch {
                reject(error)
            }
        }

        var tier: Int?
        var renewableTerm: TargetTerm?
        if let policy = renewable {
            if hasLapsed(policy.expiresAt) {
                lapsed.append(policy.id)
            } else {
                do throws(RuleValidationError) {
                    try policy.validate()
                    try check(policy.id)
                    try enforceable(policy.id, policy.floor)
                    let chosen = policy.tier(for: greenScore, current: previousTier)
                    let (cap, byBudget) = policy.cap(tier: chosen, siteBudgetShare: siteBudgetShare)
                    let score = greenScore.isNaN ? 0 : min(1, max(0, greenScore))
                    tier = chosen
                    renewableTerm = TargetTerm(
                        cap: cap,
                        cause: byBudget
                            ? .siteBudget(policyID: policy.id, greenScore: score)
                            : .renewable(policyID: policy.id, tier: chosen, greenScore: score))
                } catch {
                    reject(error)
                }
            }
        }

        // Fail-safe terms come after hard limits, so an equal hard limit is named as the cause.
        if let firstRejected {
            terms.append(TargetTerm(cap: node.safeCap, cause: .rejectedRule(ruleID: firstRejected)))
        } else if renewableTerm == nil {
            terms.append(TargetTerm(cap: node.safeCap, cause: .noPolicy))
        }
        if let renewableTerm { terms.append(renewableTerm) }

        var binding = terms[0]
        for term in terms.dropFirst() where term.cap < binding.cap { binding = term }
        return NodeTarget(
            cap: binding.cap, cause: binding.cause, terms: terms, rejections: rejections, lapsedRuleIDs: lapsed,
            renewableTier: tier)
    }

    /// The collector's check before it accepts a rule set: every contradiction of every rule, including
    /// expiries that have already passed. Node-specific checks (a cap below a node's GPU minimums) happen in
    /// `evaluate`, where the node is known.
    public func validateForSubmission(now: Int64) -> [RuleRejection] {
        var rejections: [RuleRejection] = []
        let duplicates = duplicateIDs()
        func run(_ id: String, _ expiresAt: Int64?, _ validate: () throws(RuleValidationError) -> Void) {
            do throws(RuleValidationError) {
                try validate()
                if duplicates.contains(id) { throw RuleValidationError(ruleID: id, problem: .duplicateID) }
                try RuleChecks.notExpired(id, expiresAt: expiresAt, now: now)
            } catch {
                rejections.append(RuleRejection(error: error))
            }
        }
        for rule in hardCaps { run(rule.id, rule.expiresAt) { () throws(RuleValidationError) in try rule.validate() } }
        for rule in circuits { run(rule.id, rule.expiresAt) { () throws(RuleValidationError) in try rule.validate() } }
        if let policy = renewable {
            run(policy.id, policy.expiresAt) { () throws(RuleValidationError) in try policy.validate() }
        }
        return rejections
    }

    private func duplicateIDs() -> Set<String> {
        var seen = Set<String>()
        var duplicates = Set<String>()
        let ids = hardCaps.map(\.id) + circuits.map(\.id) + (renewable.map { [$0.id] } ?? [])
        for id in ids where !seen.insert(id).inserted { duplicates.insert(id) }
        return duplicates
    }
}
