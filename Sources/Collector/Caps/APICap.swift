import Controller
import GreencapCore

/// A cap set through the API (`POST /api/v1/caps`): stored in SQLite, pushed to agents as a hard cap or a
/// circuit rule, in force until cleared or its lease ends.
public struct APICap: Sendable, Equatable {
    public enum Scope: String, Sendable, Equatable, CaseIterable {
        case site, row, rack, node, circuit
    }

    /// "api-<n>": never the id of a rules-file rule, which may not start with "api-" for that reason.
    public var id: String
    public var scope: Scope
    /// The site/row/rack/node name, or the circuit id from the rules file.
    public var name: String
    /// What the whole scope may draw.
    public var total: Milliwatts
    /// Each node's part of `total` when the cap was set (site/row/rack/node: an equal share); nil for circuits,
    /// which divide by weight. What agents get is divided again at every grant (`hardCap()`).
    public var nodeShare: Milliwatts?
    /// The nodes the scope covered when the cap was set, and (circuits) each one's weight.
    public var nodes: [CircuitShare]
    /// The token name that set it.
    public var author: String
    public var reason: String
    /// Unix milliseconds.
    public var createdAt: Int64
    public var expiresAt: Int64

    public static let idPrefix = "api-"

    /// The rule agents enforce. A site, row or rack cap stays a scope total: the planner divides it among the
    /// nodes the collector knows in that scope at every grant, so a node that joins later shares the total
    /// instead of adding its own part to it. Each node's rule names the engineer's scope, author and reason.
    public func hardCap() -> HardCapRule? {
        let capScope: CapScope
        switch scope {
        case .site: capScope = .site(name)
        case .row: capScope = .row(name)
        case .rack: capScope = .rack(name)
        case .node: capScope = .node(name)
        case .circuit: return nil
        }
        return HardCapRule(
            id: id, scope: capScope, amount: scope == .node ? .eachNode(total) : .scopeTotal(total), reason: reason, author: author,
            issuedAt: createdAt, expiresAt: expiresAt)
    }

    /// A circuit cap: the circuit's nodes and weights with `total` as the usable power (derating 1).
    public func circuitRule() -> CircuitRule? {
        guard scope == .circuit else { return nil }
        return CircuitRule(
            id: id, circuit: name, breakerRating: total, derating: 1, shares: nodes, reason: reason, author: author, issuedAt: createdAt,
            expiresAt: expiresAt)
    }
}

/// One entry of the collector's cap-change log: a cap set, cleared, or ended by its lease.
public struct CapChange: Sendable, Equatable, Encodable {
    public var id: Int64
    public var capId: String
    /// "set", "clear" or "expire".
    public var action: String
    public var scope: String
    public var name: String
    public var watts: Double
    public var nodes: [String]
    /// The token name; "collector" for a lease that ended.
    public var author: String
    public var reason: String
    public var time: APITime
    public var expires: APITime?
}
