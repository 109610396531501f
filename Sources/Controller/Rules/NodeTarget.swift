import GreencapCore

/// A node's power target and how it came about.
public struct NodeTarget: Sendable, Hashable, CustomStringConvertible {
    /// The most the node may draw: the minimum of every term.
    public var cap: Milliwatts
    /// The term that set `cap` (the first of equal ones: hard limits are listed before renewable policy).
    public var cause: TargetCause
    /// Every limit that applied, in evaluation order.
    public var terms: [TargetTerm]
    /// Rules left out because they contradict themselves or the node.
    public var rejections: [RuleRejection]
    /// Rules that applied once and have lapsed.
    public var lapsedRuleIDs: [String]
    /// The renewable tier now in force (keep it and pass it to the next evaluation for hysteresis).
    public var renewableTier: Int?

    public init(
        cap: Milliwatts, cause: TargetCause, terms: [TargetTerm] = [], rejections: [RuleRejection] = [],
        lapsedRuleIDs: [String] = [], renewableTier: Int? = nil
    ) {
        self.cap = cap
        self.cause = cause
        self.terms = terms.isEmpty ? [TargetTerm(cap: cap, cause: cause)] : terms
        self.rejections = rejections
        self.lapsedRuleIDs = lapsedRuleIDs
        self.renewableTier = renewableTier
    }

    /// The node's safe cap, for one of the fail-safe causes.
    public static func safe(_ cap: Milliwatts, because cause: TargetCause = .noPolicy) -> NodeTarget {
        NodeTarget(cap: cap, cause: cause)
    }

    /// Why the node has this target, in one line: the binding cause, then what else applied.
    public var explanation: String { description }

    /// One line for logs and `greencap caps explain`: the binding cause, then what else applied.
    public var description: String {
        var text = "\(cap.wholeWattsText) set by \(cause)"
        let others = terms.filter { $0.cause != cause }
        if !others.isEmpty { text += "; also applied: " + others.map(\.description).joined(separator: ", ") }
        if !rejections.isEmpty { text += "; " + rejections.map(\.description).joined(separator: "; ") }
        if !lapsedRuleIDs.isEmpty { text += "; lapsed: " + lapsedRuleIDs.joined(separator: ", ") }
        return text
    }
}
