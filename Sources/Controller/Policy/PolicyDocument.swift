import FoundationEssentials
import GreencapCore

/// The policy file (`[control] policy_file`): `NodePolicy` as JSON, for nodes that take their policy from
/// configuration management, for `greencap demo`, and for tests. The collector's push carries the same
/// policy in the binary protocol. Format in docs/controller.md "Policy file".
public enum PolicyDocument {
    public static let format = "greencap-policy/1"

    /// Decodes a policy; the error names the field (`hard_caps[2].scope`) and what was wrong.
    public static func decode(_ bytes: [UInt8]) throws(PolicyDocumentError) -> NodePolicy {
        try decodeJSON(Document.self, bytes).policy()
    }

    public static func encode(_ policy: NodePolicy) -> [UInt8] { encodeJSON(Document(policy)) }

    /// JSON decoding for both documents, with the decoder's errors turned into a field path and a problem.
    static func decodeJSON<Value: Decodable>(_ type: Value.Type, _ bytes: [UInt8]) throws(PolicyDocumentError) -> Value {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch let error as DecodingError {
            throw PolicyDocumentError(decoding: error)
        } catch {
            throw PolicyDocumentError(field: "-", problem: "\(error)")
        }
    }

    /// Pretty and key-sorted, so files written by tools diff cleanly.
    static func encodeJSON<Value: Encodable>(_ value: Value) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? encoder.encode(value)).map(Array.init) ?? []
    }

    struct Document: Codable {
        var format: String
        var id: String
        var issued_at: String
        var lease_expires_at: String
        var green_score: Double
        var feed_updated_at: String?
        var site_budget_share_w: Double?
        /// The rules share the document's top level with the envelope (the keys do not overlap).
        var rules: Rules

        enum CodingKeys: String, CodingKey {
            case format, id, issued_at, lease_expires_at, green_score, feed_updated_at, site_budget_share_w
        }

        init(
            format: String, id: String, issued_at: String, lease_expires_at: String, green_score: Double,
            feed_updated_at: String?, site_budget_share_w: Double?, rules: Rules
        ) {
            self.format = format
            self.id = id
            self.issued_at = issued_at
            self.lease_expires_at = lease_expires_at
            self.green_score = green_score
            self.feed_updated_at = feed_updated_at
            self.site_budget_share_w = site_budget_share_w
            self.rules = rules
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            format = try container.decode(String.self, forKey: .format)
            id = try container.decode(String.self, forKey: .id)
            issued_at = try container.decode(String.self, forKey: .issued_at)
            lease_expires_at = try container.decode(String.self, forKey: .lease_expires_at)
            green_score = try container.decode(Double.self, forKey: .green_score)
            feed_updated_at = try container.decodeIfPresent(String.self, forKey: .feed_updated_at)
            site_budget_share_w = try container.decodeIfPresent(Double.self, forKey: .site_budget_share_w)
            rules = try Rules(from: decoder)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(format, forKey: .format)
            try container.encode(id, forKey: .id)
            try container.encode(issued_at, forKey: .issued_at)
            try container.encode(lease_expires_at, forKey: .lease_expires_at)
            try container.encode(green_score, forKey: .green_score)
            try container.encodeIfPresent(feed_updated_at, forKey: .feed_updated_at)
            try container.encodeIfPresent(site_budget_share_w, forKey: .site_budget_share_w)
            try rules.encode(to: encoder)
        }
    }

    /// Hard caps, circuits and the renewable policy, as both documents write them.
    struct Rules: Codable {
        var hard_caps: [HardCap]?
        var circuits: [Circuit]?
        var renewable: Renewable?
    }

    struct HardCap: Codable {
        var id: String
        /// "site:NAME", "row:NAME", "rack:NAME" or "node:NAME".
        var scope: String
        var each_node_w: Double?
        var scope_total_w: Double?
        var reason: String
        var author: String
        var issued_at: String
        var expires_at: String?
    }

    struct Circuit: Codable {
        var id: String
        var circuit: String
        var breaker_w: Double
        var derating: Double?
        var shares: [Share]
        var reason: String
        var author: String
        var issued_at: String
        var expires_at: String?
    }

    struct Share: Codable {
        var node: String
        var weight: Int?
    }

    struct Renewable: Codable {
        var id: String
        var floor_w: Double
        var ceiling_w: Double
        var tiers: [Tier]
        var hysteresis: Double?
        var author: String
        var issued_at: String
        var expires_at: String?
    }

    struct Tier: Codable {
        var min_score: Double
        var cap_w: Double
    }
}

/// A policy file that cannot be used, and where.
public struct PolicyDocumentError: Error, Sendable, Hashable, CustomStringConvertible {
    /// JSON path of the offending value, e.g. `hard_caps[1].scope`.
    public var field: String
    public var problem: String

    public init(field: String, problem: String) {
        self.field = field
        self.problem = problem
    }

    init(decoding error: DecodingError) {
        func path(_ keys: [any CodingKey]) -> String {
            var text = ""
            for key in keys {
                if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
            }
            return text.isEmpty ? "-" : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            self.init(field: path(context.codingPath + [key]), problem: "is missing")
        case .typeMismatch(let type, let context):
            self.init(field: path(context.codingPath), problem: "expected \(type)")
        case .valueNotFound(let type, let context):
            self.init(field: path(context.codingPath), problem: "expected \(type), found null")
        case .dataCorrupted(let context):
            self.init(field: path(context.codingPath), problem: "is not valid JSON (\(context.debugDescription))")
        @unknown default:
            self.init(field: "-", problem: "\(error)")
        }
    }

    public var description: String { field == "-" ? problem : "\(field): \(problem)" }
}

extension PolicyDocument.Document {
    init(_ policy: NodePolicy) {
        func time(_ milliseconds: Int64) -> String { Timestamp.formatRFC3339(milliseconds.floorDivided(by: 1000)) }
        func watts(_ power: Milliwatts) -> Double { Double(power.value) / 1000 }
        format = PolicyDocument.format
        id = policy.id
        issued_at = time(policy.issuedAt)
        lease_expires_at = time(policy.leaseExpiresAt)
        green_score = policy.greenScore
        feed_updated_at = policy.feedUpdatedAt.map(time)
        site_budget_share_w = policy.siteBudgetShare.map(watts)
        rules = PolicyDocument.Rules(policy.rules)
    }
}

extension PolicyDocument.Rules {
    init(_ rules: CapRuleSet) {
        func time(_ milliseconds: Int64) -> String { Timestamp.formatRFC3339(milliseconds.floorDivided(by: 1000)) }
        func watts(_ power: Milliwatts) -> Double { Double(power.value) / 1000 }
        hard_caps = rules.hardCaps.map { rule in
            var each: Double?
            var total: Double?
            switch rule.amount {
            case .eachNode(let cap): each = watts(cap)
            case .scopeTotal(let cap): total = watts(cap)
            }
            return PolicyDocument.HardCap(
                id: rule.id, scope: Self.scopeText(rule.scope), each_node_w: each, scope_total_w: total, reason: rule.reason,
                author: rule.author, issued_at: time(rule.issuedAt), expires_at: rule.expiresAt.map(time))
        }
        circuits = rules.circuits.map { rule in
            PolicyDocument.Circuit(
                id: rule.id, circuit: rule.circuit, breaker_w: watts(rule.breakerRating), derating: rule.derating,
                shares: rule.shares.map { PolicyDocument.Share(node: $0.node, weight: $0.weight) }, reason: rule.reason,
                author: rule.author, issued_at: time(rule.issuedAt), expires_at: rule.expiresAt.map(time))
        }
        renewable = rules.renewable.map { policy in
            PolicyDocument.Renewable(
                id: policy.id, floor_w: watts(policy.floor), ceiling_w: watts(policy.ceiling),
                tiers: policy.tiers.map { PolicyDocument.Tier(min_score: $0.minimumScore, cap_w: watts($0.cap)) },
                hysteresis: policy.hysteresis, author: policy.author, issued_at: time(policy.issuedAt),
                expires_at: policy.expiresAt.map(time))
        }
    }

    static func scopeText(_ scope: CapScope) -> String {
        switch scope {
        case .site(let name): "site:\(name)"
        case .row(let name): "row:\(name)"
        case .rack(let name): "rack:\(name)"
        case .node(let name): "node:\(name)"
        }
    }

}

extension PolicyDocument.Document {
    func policy() throws(PolicyDocumentError) -> NodePolicy {
        guard format == PolicyDocument.format else {
            throw PolicyDocumentError(field: "format", problem: "expected \"\(PolicyDocument.format)\", found \"\(format)\"")
        }
        let issued = try PolicyDocument.Rules.time(issued_at, "issued_at")
        let lease = try PolicyDocument.Rules.time(lease_expires_at, "lease_expires_at")
        let feed = try feed_updated_at.map { (text) throws(PolicyDocumentError) in try PolicyDocument.Rules.time(text, "feed_updated_at") }
        let share = try site_budget_share_w.map { (value) throws(PolicyDocumentError) in try PolicyDocument.Rules.power(value, "site_budget_share_w") }
        return NodePolicy(
            id: id, issuedAt: issued, leaseExpiresAt: lease, rules: try rules.ruleSet(), greenScore: green_score,
            feedUpdatedAt: feed, siteBudgetShare: share)
    }
}

extension PolicyDocument.Rules {
    func ruleSet() throws(PolicyDocumentError) -> CapRuleSet {
        var hardCaps: [HardCapRule] = []
        for (index, cap) in (hard_caps ?? []).enumerated() {
            let field = "hard_caps[\(index)]"
            let amount: CapAmount
            switch (cap.each_node_w, cap.scope_total_w) {
            case (let each?, nil): amount = .eachNode(try Self.power(each, field + ".each_node_w"))
            case (nil, let total?): amount = .scopeTotal(try Self.power(total, field + ".scope_total_w"))
            default: throw PolicyDocumentError(field: field, problem: "needs exactly one of each_node_w and scope_total_w")
            }
            hardCaps.append(
                HardCapRule(
                    id: cap.id, scope: try Self.scope(cap.scope, field + ".scope"), amount: amount, reason: cap.reason,
                    author: cap.author, issuedAt: try Self.time(cap.issued_at, field + ".issued_at"),
                    expiresAt: try cap.expires_at.map { (text) throws(PolicyDocumentError) in try Self.time(text, field + ".expires_at") }))
        }
        var circuitRules: [CircuitRule] = []
        for (index, circuit) in (circuits ?? []).enumerated() {
            let field = "circuits[\(index)]"
            circuitRules.append(
                CircuitRule(
                    id: circuit.id, circuit: circuit.circuit, breakerRating: try Self.power(circuit.breaker_w, field + ".breaker_w"),
                    derating: circuit.derating ?? CircuitRule.defaultDerating,
                    shares: circuit.shares.map { CircuitShare(node: $0.node, weight: $0.weight ?? 1) }, reason: circuit.reason,
                    author: circuit.author, issuedAt: try Self.time(circuit.issued_at, field + ".issued_at"),
                    expiresAt: try circuit.expires_at.map { (text) throws(PolicyDocumentError) in try Self.time(text, field + ".expires_at") }))
        }
        var renewablePolicy: RenewablePolicy?
        if let renewable {
            var tiers: [RenewableTier] = []
            for (index, tier) in renewable.tiers.enumerated() {
                tiers.append(RenewableTier(minimumScore: tier.min_score, cap: try Self.power(tier.cap_w, "renewable.tiers[\(index)].cap_w")))
            }
            renewablePolicy = RenewablePolicy(
                id: renewable.id, floor: try Self.power(renewable.floor_w, "renewable.floor_w"),
                ceiling: try Self.power(renewable.ceiling_w, "renewable.ceiling_w"), tiers: tiers,
                hysteresis: renewable.hysteresis ?? RenewablePolicy.defaultHysteresis, author: renewable.author,
                issuedAt: try Self.time(renewable.issued_at, "renewable.issued_at"),
                expiresAt: try renewable.expires_at.map { (text) throws(PolicyDocumentError) in try Self.time(text, "renewable.expires_at") })
        }
        return CapRuleSet(hardCaps: hardCaps, circuits: circuitRules, renewable: renewablePolicy)
    }

    static func time(_ text: String, _ field: String) throws(PolicyDocumentError) -> Int64 {
        guard let seconds = Timestamp.parseRFC3339(text) else {
            throw PolicyDocumentError(field: field, problem: "expected an RFC 3339 time such as \"2026-04-26T13:00:00+09:00\", found \"\(text)\"")
        }
        return seconds * 1000
    }

    static func power(_ watts: Double, _ field: String) throws(PolicyDocumentError) -> Milliwatts {
        guard watts.isFinite, watts >= 0, watts < 1e9 else {
            throw PolicyDocumentError(field: field, problem: "expected watts from 0 to 1e9, found \(watts)")
        }
        return Milliwatts(Int64((watts * 1000).rounded()))
    }

    static func scope(_ text: String, _ field: String) throws(PolicyDocumentError) -> CapScope {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        if parts.count == 2, NodeIdentity.isValidName(parts[1]) {
            switch parts[0] {
            case "site": return .site(parts[1])
            case "row": return .row(parts[1])
            case "rack": return .rack(parts[1])
            case "node": return .node(parts[1])
            default: break
            }
        }
        throw PolicyDocumentError(field: field, problem: "expected \"site:NAME\", \"row:NAME\", \"rack:NAME\" or \"node:NAME\", found \"\(text)\"")
    }
}
