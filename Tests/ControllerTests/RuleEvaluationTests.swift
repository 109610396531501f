import Controller
import GreencapCore
import Testing

/// Cap rules → a node's target: the minimum of everything that applies, with the cause named.
@Suite struct RuleEvaluationTests {
    static let now: Int64 = 1_700_000_000_000

    static func hardCap(
        _ id: String, _ scope: CapScope, _ amount: CapAmount, expiresAt: Int64? = nil, issuedAt: Int64 = now - 60_000
    ) -> HardCapRule {
        HardCapRule(
            id: id, scope: scope, amount: amount, reason: "test \(id)", author: "kim.facility", issuedAt: issuedAt,
            expiresAt: expiresAt)
    }

    static func evaluate(_ rules: CapRuleSet, score: Double = 0.9, previousTier: Int? = nil, share: Milliwatts? = nil) -> NodeTarget {
        rules.evaluate(for: Fixtures.facts, greenScore: score, siteBudgetShare: share, now: now, previousTier: previousTier)
    }

    @Test func renewablePolicyAloneSetsTheTargetByTier() {
        let target = Self.evaluate(CapRuleSet(renewable: Fixtures.policy()), score: 0.9)
        #expect(target.cap == .watts(6400))
        #expect(target.cause == .renewable(policyID: "jeonnam-green", tier: 3, greenScore: 0.9))
        #expect(target.renewableTier == 3)
        #expect(Self.evaluate(CapRuleSet(renewable: Fixtures.policy()), score: 0.1).cap == .watts(3500))
    }

    /// Invariant 2: hard limits always win over renewable policy.
    @Test func hardLimitsWinOverRenewablePolicy() {
        let rules = CapRuleSet(
            hardCaps: [Self.hardCap("rack-a01-maint", .rack("a01"), .eachNode(.watts(5000)))], renewable: Fixtures.policy())
        let target = Self.evaluate(rules, score: 1.0)
        #expect(target.cap == .watts(5000))
        #expect(target.cause.ruleID == "rack-a01-maint")
        #expect(target.cause.author == "kim.facility")
        #expect(target.terms.count == 2, "the renewable term is listed as also applied")
        #expect(target.description.contains("rack-a01-maint") && target.description.contains("also applied"))
        // When renewables are scarcer than the hard cap allows, the renewable tier is lower and sets the target.
        #expect(Self.evaluate(rules, score: 0.1).cap == .watts(3500))
    }

    @Test func theTargetIsTheMinimumOfEveryRuleThatApplies() {
        let rules = CapRuleSet(
            hardCaps: [
                Self.hardCap("site", .site("gwangju"), .eachNode(.watts(6000))),
                Self.hardCap("row", .row("r3"), .eachNode(.watts(5800))),
                Self.hardCap("other-rack", .rack("b07"), .eachNode(.watts(3000))),
                Self.hardCap("node", .node("gc-a01-n07"), .eachNode(.watts(5600))),
            ],
            circuits: [
                CircuitRule(
                    id: "pdu-a01-L1", circuit: "a01-L1", breakerRating: .watts(17_300),
                    shares: [CircuitShare(node: "gc-a01-n07"), CircuitShare(node: "gc-a01-n08", weight: 2)],
                    reason: "32 A 3-phase", author: "lee.electrical", issuedAt: Self.now - 1)
            ],
            renewable: Fixtures.policy())
        let target = Self.evaluate(rules, score: 1.0)
        // 17.3 kW × 0.8 = 13.84 kW; one share in three = 4613.333 W, rounded down.
        #expect(target.cap == Milliwatts(4_613_333))
        #expect(target.cause == .circuit(ruleID: "pdu-a01-L1", circuit: "a01-L1", author: "lee.electrical"))
        #expect(!target.terms.contains { $0.cause.ruleID == "other-rack" }, "a rule for another rack does not apply")
        #expect(target.terms.count == 5)
    }

    @Test func scopeTotalIsDividedAmongTheScopesNodes() {
        let layout = FleetLayout(nodes: (1...4).map { NodeIdentity(id: "gc-a01-n0\($0 + 4)", rack: "a01") })
        let rules = CapRuleSet(
            hardCaps: [Self.hardCap("rack-total", .rack("a01"), .scopeTotal(.watts(20_000)))], renewable: Fixtures.policy(),
            layout: layout)
        #expect(Self.evaluate(rules).cap == .watts(5000), "4 nodes share 20 kW")
        // A layout that forgot this node counts it anyway: the share can only get smaller.
        let forgetful = CapRuleSet(
            hardCaps: rules.hardCaps, renewable: Fixtures.policy(),
            layout: FleetLayout(nodes: [NodeIdentity(id: "x", rack: "a01"), NodeIdentity(id: "y", rack: "a01"), NodeIdentity(id: "z", rack: "a01")]))
        #expect(Self.evaluate(forgetful).cap == .watts(5000))
    }

    /// A scope total that reaches a node without a layout (a node's own policy file, an older collector)
    /// cannot be divided: refused, node at its safe cap — never the whole total for one node.
    @Test func scopeTotalWithoutALayoutIsRefusedNotGivenWhole() throws {
        let rules = CapRuleSet(
            hardCaps: [Self.hardCap("rack-total", .rack("a01"), .scopeTotal(.watts(40_000)))], renewable: Fixtures.policy())
        let target = Self.evaluate(rules, score: 1.0)
        #expect(target.cap == Fixtures.safeCap)
        #expect(target.cause == .rejectedRule(ruleID: "rack-total"))
        let rejection = try #require(target.rejections.first)
        #expect(rejection.error.problem == .scopeTotalWithoutLayout(.watts(40_000)))
        #expect(rejection.error.remedy.contains("collector's rules file"))
    }

    /// What the collector sends: the total divided for the node it grants to, as a per-node cap.
    @Test func dividedPerNodeIsTheSameShareTheLayoutGives() throws {
        let layout = FleetLayout(nodes: (1...3).map { NodeIdentity(id: "n\($0)", rack: "a01") } + [NodeIdentity(id: "m1", rack: "b02")])
        let rule = Self.hardCap("rack-total", .rack("a01"), .scopeTotal(.watts(15_000)))
        #expect(rule.dividedPerNode(for: try #require(layout.identity(of: "n2")), layout: layout).amount == .eachNode(.watts(5000)))
        // A node that moved into the rack since the layout was read is counted on top: 15 kW over 4.
        #expect(rule.dividedPerNode(for: NodeIdentity(id: "m1", rack: "a01"), layout: layout).amount == .eachNode(.watts(3750)))
        let each = Self.hardCap("node", .node("n1"), .eachNode(.watts(4000)))
        #expect(each.dividedPerNode(for: try #require(layout.identity(of: "n1")), layout: layout) == each)
    }

    @Test func noPolicyMeansTheSafeCap() {
        let target = Self.evaluate(CapRuleSet())
        #expect(target.cap == Fixtures.safeCap)
        #expect(target.cause == .noPolicy)
        // Hard caps alone do not lift the node above its safe cap.
        let onlyHard = Self.evaluate(CapRuleSet(hardCaps: [Self.hardCap("site", .site("gwangju"), .eachNode(.watts(6000)))]))
        #expect(onlyHard.cap == Fixtures.safeCap)
    }

    @Test func floorAboveCeilingIsRejectedAndTheNodeHeldAtItsSafeCap() throws {
        var policy = Fixtures.policy()
        policy.floor = .watts(6500)
        let target = Self.evaluate(CapRuleSet(renewable: policy), score: 1.0)
        #expect(target.cap == Fixtures.safeCap)
        #expect(target.cause == .rejectedRule(ruleID: "jeonnam-green"))
        let rejection = try #require(target.rejections.first)
        #expect(rejection.error.problem == .floorAboveCeiling(floor: .watts(6500), ceiling: .watts(6400)))
        #expect(rejection.error.remedy.contains("floor ≤ ceiling"))
    }

    @Test func capBelowTheGPUsMinimumsIsRejectedAndNeverRaisesTheNode() {
        let rules = CapRuleSet(
            hardCaps: [
                Self.hardCap("typo", .node("gc-a01-n07"), .eachNode(.watts(250))),  // meant 2500?
                Self.hardCap("row", .row("r3"), .eachNode(.watts(3800))),
            ],
            renewable: Fixtures.policy())
        let target = Self.evaluate(rules, score: 1.0)
        #expect(target.rejections.map(\.error.problem) == [.capBelowGPUMinimums(cap: .watts(250), lowestEnforceable: .watts(2500))])
        #expect(target.cap == .watts(3800), "the other rules still apply, and the safe cap bounds the rest")
        #expect(target.cap <= Fixtures.safeCap)
        #expect(target.rejections[0].description.contains("raise the cap"))
        // Alone, it leaves the node at its safe cap, not at the renewable ceiling.
        let alone = Self.evaluate(CapRuleSet(hardCaps: [rules.hardCaps[0]], renewable: Fixtures.policy()), score: 1.0)
        #expect(alone.cap == Fixtures.safeCap)
        #expect(alone.cause == .rejectedRule(ruleID: "typo"))
    }

    @Test func expiryInThePastIsRejectedAtSubmissionAndALapsedRuleStopsApplying() {
        let stale = Self.hardCap("maint", .rack("a01"), .eachNode(.watts(3000)), expiresAt: Self.now - 1)
        let rules = CapRuleSet(hardCaps: [stale], renewable: Fixtures.policy(expiresAt: Self.now - 5))
        let rejections = rules.validateForSubmission(now: Self.now)
        #expect(rejections.map(\.ruleID) == ["maint", "jeonnam-green"])
        #expect(rejections.allSatisfy { if case .expiryInPast = $0.error.problem { true } else { false } })
        // At evaluation both have lapsed: the cap is no longer in force, and without a policy the node is safe.
        let target = Self.evaluate(rules)
        #expect(target.lapsedRuleIDs == ["maint", "jeonnam-green"])
        #expect(target.cap == Fixtures.safeCap && target.cause == .noPolicy)
    }

    @Test func contradictionsInsideOneRuleAreTypedWithARemedy() throws {
        let backwards = Self.hardCap("back", .node("gc-a01-n07"), .eachNode(.watts(5000)), expiresAt: Self.now - 120_000)
        #expect(throws: RuleValidationError(ruleID: "back", problem: .expiresBeforeIssued(issuedAt: Self.now - 60_000, expiresAt: Self.now - 120_000))) {
            try backwards.validate()
        }
        var circuit = CircuitRule(
            id: "c", circuit: "L1", breakerRating: .watts(10_000), derating: 1.2, shares: [CircuitShare(node: "a")],
            reason: "", author: "lee", issuedAt: 0)
        #expect(throws: RuleValidationError(ruleID: "c", problem: .deratingOutOfRange(1.2))) { try circuit.validate() }
        circuit.derating = 0.8
        circuit.shares = [CircuitShare(node: "a"), CircuitShare(node: "a")]
        #expect(throws: RuleValidationError(ruleID: "c", problem: .nodeListedTwice("a"))) { try circuit.validate() }
        var policy = Fixtures.policy()
        policy.tiers[2].cap = .watts(4000)
        #expect(throws: RuleValidationError(ruleID: "jeonnam-green", problem: .tierCapsDecrease(index: 2))) { try policy.validate() }
        policy = Fixtures.policy()
        policy.hysteresis = 0.2
        #expect(throws: RuleValidationError(ruleID: "jeonnam-green", problem: .hysteresisOutOfRange(margin: 0.2, largestAllowed: 0.125))) {
            try policy.validate()
        }
        do {
            try policy.validate()
        } catch {
            #expect(error.description.contains("margin below half"))
        }
    }

    @Test func duplicateIDsAreRejected() {
        let rules = CapRuleSet(
            hardCaps: [
                Self.hardCap("same", .node("gc-a01-n07"), .eachNode(.watts(5000))),
                Self.hardCap("same", .row("r3"), .eachNode(.watts(6000))),
            ],
            renewable: Fixtures.policy())
        let target = Self.evaluate(rules, score: 1.0)
        #expect(target.rejections.count == 2)
        #expect(target.cap == Fixtures.safeCap)
    }

    @Test func siteBudgetShareLimitsTheRenewableCapWithinFloorAndCeiling() {
        let rules = CapRuleSet(renewable: Fixtures.policy())
        let budgeted = Self.evaluate(rules, score: 1.0, share: .watts(5000))
        #expect(budgeted.cap == .watts(5000))
        #expect(budgeted.cause == .siteBudget(policyID: "jeonnam-green", greenScore: 1.0))
        #expect(Self.evaluate(rules, score: 1.0, share: .watts(1000)).cap == .watts(3500), "never below the floor")
        #expect(Self.evaluate(rules, score: 0.0, share: .watts(9000)).cause.ruleID == "jeonnam-green")
    }
}
