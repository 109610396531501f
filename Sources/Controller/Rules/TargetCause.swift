import GreencapCore

/// What set a node's target: the answer to "why is this node capped at X?".
///
/// `indirect` because the loop copies the cause into its status every tick: boxed, a copy is one reference
/// count instead of one per string of a hard cap's id, scope, author and reason.
public indirect enum TargetCause: Sendable, Hashable, CustomStringConvertible {
    case hardCap(ruleID: String, scope: CapScope, author: String, reason: String)
    case circuit(ruleID: String, circuit: String, author: String)
    case renewable(policyID: String, tier: Int, greenScore: Double)
    case siteBudget(policyID: String, greenScore: Double)
    /// No policy has ever been received: the safe cap.
    case noPolicy
    /// A rule that applies to this node was rejected; the node is held at its safe cap until it is fixed.
    case rejectedRule(ruleID: String)
    case leaseExpired
    case feedStale
    case upsOnBattery

    /// The person behind the cause, when a person caused it.
    public var author: String? {
        switch self {
        case .hardCap(_, _, let author, _), .circuit(_, _, let author): author
        default: nil
        }
    }

    /// The rule id behind the cause, when one did.
    public var ruleID: String? {
        switch self {
        case .hardCap(let id, _, _, _), .circuit(let id, _, _), .rejectedRule(let id): id
        case .renewable(let id, _, _), .siteBudget(let id, _): id
        default: nil
        }
    }

    /// A stable machine name for audit files, metrics and the protocol ("renewable", "ups-on-battery").
    public var code: String {
        switch self {
        case .hardCap: "hard-cap"
        case .circuit: "circuit"
        case .renewable: "renewable"
        case .siteBudget: "site-budget"
        case .noPolicy: "no-policy"
        case .rejectedRule: "rejected-rule"
        case .leaseExpired: "lease-expired"
        case .feedStale: "feed-stale"
        case .upsOnBattery: "ups-on-battery"
        }
    }

    /// Whether this is one of the fail-safe causes (the node's safe or emergency cap).
    public var isSafetyFallback: Bool {
        switch self {
        case .noPolicy, .rejectedRule, .leaseExpired, .feedStale, .upsOnBattery: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .hardCap(let id, let scope, let author, let reason): "hard cap '\(id)' on \(scope) by \(author): \(reason)"
        case .circuit(let id, let circuit, let author): "circuit '\(id)' (\(circuit)) by \(author)"
        case .renewable(let id, let tier, let score): "renewable policy '\(id)' tier \(tier) at green score \(Self.score(score))"
        case .siteBudget(let id, let score): "site budget share of policy '\(id)' at green score \(Self.score(score))"
        case .noPolicy: "no policy received: safe cap"
        case .rejectedRule(let id): "rule '\(id)' rejected: safe cap"
        case .leaseExpired: "policy lease expired: safe cap"
        case .feedStale: "grid feed stale: safe cap"
        case .upsOnBattery: "UPS on battery: emergency cap"
        }
    }

    private static func score(_ score: Double) -> String {
        let hundredths = Int((score * 100).rounded())
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
    }
}

/// One limit that applied to the node during an evaluation.
public struct TargetTerm: Sendable, Hashable, CustomStringConvertible {
    public var cap: Milliwatts
    public var cause: TargetCause

    public init(cap: Milliwatts, cause: TargetCause) {
        self.cap = cap
        self.cause = cause
    }

    public var description: String { "\(cap.wholeWattsText) from \(cause)" }
}
