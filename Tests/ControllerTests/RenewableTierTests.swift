import Controller
import GreencapCore
import Testing

/// Tiers and hysteresis: a score hovering at a boundary does not flap the cap.
@Suite struct RenewableTierTests {
    let policy = Fixtures.policy()  // tiers from 0, 0.3, 0.6, 0.85; margin 0.05

    @Test func firstEvaluationUsesThePlainTier() {
        #expect(policy.tier(for: 0.29, current: nil) == 0)
        #expect(policy.tier(for: 0.3, current: nil) == 1)
        #expect(policy.tier(for: 0.99, current: nil) == 3)
    }

    @Test func goingUpNeedsTheBoundaryPlusTheMargin() {
        #expect(policy.tier(for: 0.34, current: 0) == 0)
        #expect(policy.tier(for: 0.35, current: 0) == 1)
        #expect(policy.tier(for: 0.66, current: 0) == 2, "a big jump skips tiers")
        #expect(policy.tier(for: 0.64, current: 0) == 1, "but only as far as the margin allows")
    }

    @Test func goingDownNeedsTheBoundaryMinusTheMargin() {
        #expect(policy.tier(for: 0.26, current: 1) == 1)
        #expect(policy.tier(for: 0.24, current: 1) == 0)
        #expect(policy.tier(for: 0.57, current: 2) == 2)
        #expect(policy.tier(for: 0.20, current: 3) == 0)
        #expect(policy.tier(for: 0.52, current: 3) == 1, "down to the tier the score clears by the margin")
    }

    @Test func aScoreHoveringAtABoundaryDoesNotFlap() {
        var generator = SeededGenerator(seed: 7)
        var tier = policy.tier(for: 0.6, current: nil)
        var changes = 0
        for _ in 0..<1000 {
            let next = policy.tier(for: 0.6 + 0.04 * generator.nextSigned(), current: tier)
            if next != tier { changes += 1 }
            tier = next
        }
        #expect(changes == 0)
    }

    @Test func aBrokenScoreCountsAsTheLeastGreen() {
        #expect(policy.tier(for: .nan, current: 3) == 0)
        #expect(policy.tier(for: -3, current: nil) == 0)
        #expect(policy.tier(for: 7, current: nil) == 3)
    }

    @Test func evaluationCarriesTheTierForward() {
        let rules = CapRuleSet(renewable: policy)
        let first = rules.evaluate(for: Fixtures.facts, greenScore: 0.62, now: 0, previousTier: nil)
        #expect(first.renewableTier == 2)
        let second = rules.evaluate(for: Fixtures.facts, greenScore: 0.58, now: 0, previousTier: first.renewableTier)
        #expect(second.renewableTier == 2 && second.cap == .watts(5500))
    }
}
