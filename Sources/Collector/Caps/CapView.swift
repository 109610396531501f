import Controller
import GreencapCore

/// A cap in force as the API shows it, whether set through the API or written in the rules file; the CLI
/// decodes the same type.
public struct CapView: Codable, Sendable {
    public var id: String
    public var scope: String
    public var name: String
    /// What the scope may draw in total (a circuit: its usable power).
    public var watts: Double?
    /// What each node may draw, when every node gets the same.
    public var nodeWatts: Double?
    /// The nodes it covers: a site/row/rack now (what its total is divided by), a circuit as written.
    public var nodes: [String]?
    public var author: String
    public var reason: String
    public var created: APITime
    public var expires: APITime?
    /// "api" or "rules_file".
    public var source: String

    init(_ cap: APICap, layout: FleetLayout) {
        id = cap.id
        scope = cap.scope.rawValue
        name = cap.name
        watts = Self.watts(cap.total)
        if let rule = cap.hardCap() {
            (nodes, nodeWatts) = Self.divide(rule, layout: layout)
        } else {
            nodes = cap.nodes.map(\.node)
        }
        author = cap.author
        reason = cap.reason
        created = APITime(milliseconds: cap.createdAt)
        expires = APITime(milliseconds: cap.expiresAt)
        source = "api"
    }

    init(_ rule: HardCapRule, layout: FleetLayout) {
        id = rule.id
        switch rule.scope {
        case .site(let value): (scope, name) = ("site", value)
        case .row(let value): (scope, name) = ("row", value)
        case .rack(let value): (scope, name) = ("rack", value)
        case .node(let value): (scope, name) = ("node", value)
        }
        switch rule.amount {
        case .eachNode(let cap): nodeWatts = Self.watts(cap)
        case .scopeTotal(let cap):
            watts = Self.watts(cap)
            (nodes, nodeWatts) = Self.divide(rule, layout: layout)
        }
        author = rule.author
        reason = rule.reason
        created = APITime(milliseconds: rule.issuedAt)
        expires = rule.expiresAt.map { APITime(milliseconds: $0) }
        source = "rules_file"
    }

    init(_ rule: CircuitRule) {
        id = rule.id
        scope = "circuit"
        name = rule.circuit
        watts = Self.watts(rule.usablePower)
        nodes = rule.shares.map(\.node)
        author = rule.author
        reason = rule.reason
        created = APITime(milliseconds: rule.issuedAt)
        expires = rule.expiresAt.map { APITime(milliseconds: $0) }
        source = "rules_file"
    }

    /// The nodes that share the rule now, and each one's part as the planner sends it (none while the
    /// collector knows no node in the scope).
    private static func divide(_ rule: HardCapRule, layout: FleetLayout) -> (nodes: [String], each: Double?) {
        let members = layout.nodes.filter { rule.scope.contains($0) }
        let ids = members.map(\.id)
        switch rule.amount {
        case .eachNode(let each):
            return (ids, watts(each))
        case .scopeTotal(let total):
            return (ids, members.first.map { watts(layout.share(of: total, in: rule.scope, for: $0)) })
        }
    }

    static func watts(_ power: Milliwatts) -> Double { Double(power.value) / 1000 }
}
