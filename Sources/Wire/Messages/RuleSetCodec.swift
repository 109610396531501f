import Controller
import GreencapCore

/// `CapRuleSet` field by field (docs/protocol.md, "Policy"): the agent evaluates exactly the rules the
/// collector planned with, so nothing may be lost or reinterpreted on the way, and no JSON parser sits on the
/// enforcement path.
enum RuleSetCodec {
    static func write(_ rules: CapRuleSet, into w: inout PayloadWriter) throws(WireError) {
        try w.count(rules.hardCaps.count, limit: w.limits.maxBatchCount, "hardCaps")
        for rule in rules.hardCaps {
            try w.string(rule.id, "hardCap.id")
            try writeScope(rule.scope, into: &w)
            switch rule.amount {
            case .eachNode(let cap):
                w.u8(0)
                w.svarint(cap.value)
            case .scopeTotal(let cap):
                w.u8(1)
                w.svarint(cap.value)
            }
            try w.string(rule.reason, "hardCap.reason")
            try w.string(rule.author, "hardCap.author")
            w.svarint(rule.issuedAt)
            try w.optional(rule.expiresAt) { (w: inout PayloadWriter, at: Int64) throws(WireError) in w.svarint(at) }
        }
        try w.count(rules.circuits.count, limit: w.limits.maxBatchCount, "circuits")
        for rule in rules.circuits {
            try w.string(rule.id, "circuit.id")
            try w.string(rule.circuit, "circuit.circuit")
            w.svarint(rule.breakerRating.value)
            w.fixedPoint(rule.derating)
            try w.count(rule.shares.count, limit: w.limits.maxBatchCount, "circuit.shares")
            for share in rule.shares {
                try w.string(share.node, "circuit.share.node")
                w.svarint(Int64(share.weight))
            }
            try w.string(rule.reason, "circuit.reason")
            try w.string(rule.author, "circuit.author")
            w.svarint(rule.issuedAt)
            try w.optional(rule.expiresAt) { (w: inout PayloadWriter, at: Int64) throws(WireError) in w.svarint(at) }
        }
        try w.optional(rules.renewable) { (w: inout PayloadWriter, policy: RenewablePolicy) throws(WireError) in
            try w.string(policy.id, "renewable.id")
            w.svarint(policy.floor.value)
            w.svarint(policy.ceiling.value)
            try w.count(policy.tiers.count, limit: w.limits.maxBatchCount, "renewable.tiers")
            for tier in policy.tiers {
                w.fixedPoint(tier.minimumScore)
                w.svarint(tier.cap.value)
            }
            w.fixedPoint(policy.hysteresis)
            try w.string(policy.author, "renewable.author")
            w.svarint(policy.issuedAt)
            try w.optional(policy.expiresAt) { (w: inout PayloadWriter, at: Int64) throws(WireError) in w.svarint(at) }
        }
        try w.optional(rules.layout) { (w: inout PayloadWriter, layout: FleetLayout) throws(WireError) in
            try w.count(layout.nodes.count, limit: w.limits.maxBatchCount, "layout.nodes")
            for node in layout.nodes {
                try w.string(node.id, "layout.node.id")
                for (level, name) in [(node.site, "site"), (node.row, "row"), (node.rack, "rack")] {
                    try w.optional(level) { (w: inout PayloadWriter, text: String) throws(WireError) in
                        try w.string(text, "layout.node." + name)
                    }
                }
            }
        }
    }

    static func read(from r: inout PayloadReader) throws(WireError) -> CapRuleSet {
        var rules = CapRuleSet()
        // Smallest encodings: a hard cap 9 bytes, a circuit 9, a share 2, a tier 2, a layout node 4.
        let hardCapCount = try r.count("hardCaps", limit: r.limits.maxBatchCount, minimumElementBytes: 9)
        for _ in 0..<hardCapCount {
            let id = try r.string("hardCap.id")
            let scope = try readScope(from: &r)
            let amountAt = r.offset
            let amountKind = try r.u8("hardCap.amount")
            let cap = Milliwatts(try r.svarint("hardCap.amount.value"))
            let amount: CapAmount
            switch amountKind {
            case 0: amount = .eachNode(cap)
            case 1: amount = .scopeTotal(cap)
            default: throw r.error(.unknownCode(UInt64(amountKind)), "hardCap.amount", at: amountAt)
            }
            let reason = try r.string("hardCap.reason")
            let author = try r.string("hardCap.author")
            let issuedAt = try r.svarint("hardCap.issuedAt")
            let expiresAt = try r.optional("hardCap.expiresAt") { (r: inout PayloadReader) throws(WireError) in
                try r.svarint("hardCap.expiresAt")
            }
            rules.hardCaps.append(
                HardCapRule(
                    id: id, scope: scope, amount: amount, reason: reason, author: author, issuedAt: issuedAt,
                    expiresAt: expiresAt))
        }
        let circuitCount = try r.count("circuits", limit: r.limits.maxBatchCount, minimumElementBytes: 9)
        for _ in 0..<circuitCount {
            let id = try r.string("circuit.id")
            let circuit = try r.string("circuit.circuit")
            let rating = Milliwatts(try r.svarint("circuit.breakerRating"))
            let derating = try r.fixedPoint("circuit.derating")
            let shareCount = try r.count("circuit.shares", limit: r.limits.maxBatchCount, minimumElementBytes: 2)
            var shares: [CircuitShare] = []
            for _ in 0..<shareCount {
                let node = try r.string("circuit.share.node")
                shares.append(CircuitShare(node: node, weight: try r.int("circuit.share.weight")))
            }
            let reason = try r.string("circuit.reason")
            let author = try r.string("circuit.author")
            let issuedAt = try r.svarint("circuit.issuedAt")
            let expiresAt = try r.optional("circuit.expiresAt") { (r: inout PayloadReader) throws(WireError) in
                try r.svarint("circuit.expiresAt")
            }
            rules.circuits.append(
                CircuitRule(
                    id: id, circuit: circuit, breakerRating: rating, derating: derating, shares: shares, reason: reason,
                    author: author, issuedAt: issuedAt, expiresAt: expiresAt))
        }
        rules.renewable = try r.optional("renewable") { (r: inout PayloadReader) throws(WireError) in
            let id = try r.string("renewable.id")
            let floor = Milliwatts(try r.svarint("renewable.floor"))
            let ceiling = Milliwatts(try r.svarint("renewable.ceiling"))
            let tierCount = try r.count("renewable.tiers", limit: r.limits.maxBatchCount, minimumElementBytes: 2)
            var tiers: [RenewableTier] = []
            for _ in 0..<tierCount {
                let score = try r.fixedPoint("renewable.tier.minimumScore")
                tiers.append(RenewableTier(minimumScore: score, cap: Milliwatts(try r.svarint("renewable.tier.cap"))))
            }
            let hysteresis = try r.fixedPoint("renewable.hysteresis")
            let author = try r.string("renewable.author")
            let issuedAt = try r.svarint("renewable.issuedAt")
            let expiresAt = try r.optional("renewable.expiresAt") { (r: inout PayloadReader) throws(WireError) in
                try r.svarint("renewable.expiresAt")
            }
            return RenewablePolicy(
                id: id, floor: floor, ceiling: ceiling, tiers: tiers, hysteresis: hysteresis, author: author,
                issuedAt: issuedAt, expiresAt: expiresAt)
        }
        rules.layout = try r.optional("layout") { (r: inout PayloadReader) throws(WireError) in
            let count = try r.count("layout.nodes", limit: r.limits.maxBatchCount, minimumElementBytes: 4)
            var nodes: [NodeIdentity] = []
            for _ in 0..<count {
                let id = try r.string("layout.node.id")
                let site = try r.optional("layout.node.site") { (r: inout PayloadReader) throws(WireError) in
                    try r.string("layout.node.site")
                }
                let row = try r.optional("layout.node.row") { (r: inout PayloadReader) throws(WireError) in
                    try r.string("layout.node.row")
                }
                let rack = try r.optional("layout.node.rack") { (r: inout PayloadReader) throws(WireError) in
                    try r.string("layout.node.rack")
                }
                nodes.append(NodeIdentity(id: id, site: site, row: row, rack: rack))
            }
            return FleetLayout(nodes: nodes)
        }
        return rules
    }

    private static func writeScope(_ scope: CapScope, into w: inout PayloadWriter) throws(WireError) {
        switch scope {
        case .site(let name):
            w.u8(0)
            try w.string(name, "hardCap.scope")
        case .row(let name):
            w.u8(1)
            try w.string(name, "hardCap.scope")
        case .rack(let name):
            w.u8(2)
            try w.string(name, "hardCap.scope")
        case .node(let name):
            w.u8(3)
            try w.string(name, "hardCap.scope")
        }
    }

    private static func readScope(from r: inout PayloadReader) throws(WireError) -> CapScope {
        let at = r.offset
        let kind = try r.u8("hardCap.scope")
        let name = try r.string("hardCap.scope")
        switch kind {
        case 0: return .site(name)
        case 1: return .row(name)
        case 2: return .rack(name)
        case 3: return .node(name)
        default: throw r.error(.unknownCode(UInt64(kind)), "hardCap.scope", at: at)
        }
    }
}
