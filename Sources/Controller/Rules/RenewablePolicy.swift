import GreencapCore

/// One step of the renewable policy: from `minimumScore` up, a node may draw `cap`.
public struct RenewableTier: Sendable, Hashable {
    public var minimumScore: Double
    public var cap: Milliwatts

    public init(minimumScore: Double, cap: Milliwatts) {
        self.minimumScore = minimumScore
        self.cap = cap
    }
}

/// How the green score (0 = no renewables, 1 = plenty) maps to a node cap between a floor and a ceiling.
///
/// Tiers rather than a straight line: a cap that moved with every hundredth of a score would retune every
/// node on every feed update. Hysteresis keeps a score that hovers at a boundary from flapping between tiers.
public struct RenewablePolicy: Sendable, Hashable {
    public static let defaultHysteresis = 0.05

    public var id: String
    /// The least a node is ever held to by renewables alone (hard rules may go lower).
    public var floor: Milliwatts
    /// The most renewables ever allow.
    public var ceiling: Milliwatts
    /// Ascending by `minimumScore`; the first starts at 0.
    public var tiers: [RenewableTier]
    /// Score margin: moving up to a tier needs its start + margin; moving down needs the current tier's
    /// start − margin.
    public var hysteresis: Double
    public var author: String
    public var issuedAt: Int64
    public var expiresAt: Int64?

    public init(
        id: String, floor: Milliwatts, ceiling: Milliwatts, tiers: [RenewableTier],
        hysteresis: Double = RenewablePolicy.defaultHysteresis, author: String, issuedAt: Int64, expiresAt: Int64? = nil
    ) {
        self.id = id
        self.floor = floor
        self.ceiling = ceiling
        self.tiers = tiers
        self.hysteresis = hysteresis
        self.author = author
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }

    public func validate() throws(RuleValidationError) {
        try RuleChecks.identified(id, author: author)
        func fail(_ problem: RuleValidationError.Problem) -> RuleValidationError {
            RuleValidationError(ruleID: id, problem: problem)
        }
        guard floor.value > 0 else { throw fail(.capNotPositive(floor)) }
        guard floor <= ceiling else { throw fail(.floorAboveCeiling(floor: floor, ceiling: ceiling)) }
        guard let first = tiers.first else { throw fail(.noTiers) }
        guard first.minimumScore == 0 else { throw fail(.firstTierNotAtZero(first.minimumScore)) }
        var smallestGap = 1.0
        for (index, tier) in tiers.enumerated() {
            guard tier.minimumScore >= 0, tier.minimumScore <= 1 else {
                throw fail(.tierScoreOutOfRange(index: index, score: tier.minimumScore))
            }
            guard tier.cap >= floor, tier.cap <= ceiling else {
                throw fail(.tierOutsideFloorAndCeiling(index: index, cap: tier.cap))
            }
            if index > 0 {
                let previous = tiers[index - 1]
                guard tier.minimumScore > previous.minimumScore else { throw fail(.tierScoresNotAscending(index: index)) }
                guard tier.cap >= previous.cap else { throw fail(.tierCapsDecrease(index: index)) }
                smallestGap = min(smallestGap, tier.minimumScore - previous.minimumScore)
            }
        }
        // Wider than half a gap and a score could never settle in the tier between two boundaries.
        let largest = tiers.count > 1 ? smallestGap / 2 : 0.5
        guard hysteresis >= 0, hysteresis < largest else {
            throw fail(.hysteresisOutOfRange(margin: hysteresis, largestAllowed: largest))
        }
        try RuleChecks.lease(id, issuedAt: issuedAt, expiresAt: expiresAt)
    }

    /// The tier a score falls in, ignoring history.
    public func plainTier(for score: Double) -> Int {
        var index = 0
        for (candidate, tier) in tiers.enumerated() where score >= tier.minimumScore { index = candidate }
        return index
    }

    /// The tier after a new score, given the tier in force (nil at first evaluation: no history, no margin).
    ///
    /// A score that is not a number counts as 0 — the least green tier — so a broken feed value never raises a cap.
    public func tier(for rawScore: Double, current: Int?) -> Int {
        let score = rawScore.isNaN ? 0 : min(1, max(0, rawScore))
        guard let current, tiers.indices.contains(current) else { return plainTier(for: score) }
        let plain = plainTier(for: score)
        if plain > current {
            // Up: the highest tier whose start the score passes by the margin.
            var up = current
            for index in (current + 1)..<tiers.count where score >= tiers[index].minimumScore + hysteresis { up = index }
            return up
        }
        if plain < current {
            // Down only once the score is clearly below the current tier's start.
            guard score < tiers[current].minimumScore - hysteresis else { return current }
            return plainTier(for: score + hysteresis)
        }
        return current
    }

    /// The renewable cap for a tier, limited by this node's share of the site budget when there is one, and
    /// kept within floor…ceiling (the budget is an energy target; safety limits are hard rules).
    func cap(tier: Int, siteBudgetShare: Milliwatts?) -> (cap: Milliwatts, byBudget: Bool) {
        let tierCap = tiers[min(max(0, tier), tiers.count - 1)].cap
        var cap = tierCap
        var byBudget = false
        if let share = siteBudgetShare, share < cap {
            cap = share
            byBudget = true
        }
        if cap < floor { cap = floor }
        if cap > ceiling { cap = ceiling }
        return (cap, byBudget && cap < tierCap)
    }
}
