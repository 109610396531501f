import GreencapCore

/// The part of the facility a hard cap covers. Names are matched against the node's `NodeIdentity`, so row
/// and rack names must be unique within the fleet the rules are written for (as the agent's config requires).
public enum CapScope: Sendable, Hashable, CustomStringConvertible {
    case site(String)
    case row(String)
    case rack(String)
    case node(String)

    public func contains(_ node: NodeIdentity) -> Bool {
        switch self {
        case .site(let name): node.site == name
        case .row(let name): node.row == name
        case .rack(let name): node.rack == name
        case .node(let name): node.id == name
        }
    }

    public var description: String {
        switch self {
        case .site(let name): "site \(name)"
        case .row(let name): "row \(name)"
        case .rack(let name): "rack \(name)"
        case .node(let name): "node \(name)"
        }
    }
}

/// Which nodes exist where: a scope-total cap is divided among the nodes of its scope, so the planner must
/// know how many there are. Built once per rule change, never per control tick.
public struct FleetLayout: Sendable, Hashable {
    public private(set) var nodes: [NodeIdentity]

    public init(nodes: [NodeIdentity]) { self.nodes = nodes }

    /// How many nodes of the layout a scope covers; a node outside the layout counts itself, so a layout
    /// that forgot a node can only make that node's share smaller, never larger.
    public func nodeCount(in scope: CapScope, including node: NodeIdentity) -> Int {
        var count = 0
        var sawNode = false
        for member in nodes where scope.contains(member) {
            count += 1
            if member.id == node.id { sawNode = true }
        }
        return sawNode ? count : count + 1
    }

    /// `node`'s equal part of `total` over the scope's nodes.
    public func share(of total: Milliwatts, in scope: CapScope, for node: NodeIdentity) -> Milliwatts {
        Milliwatts(total.value / Int64(max(1, nodeCount(in: scope, including: node))))
    }

    /// The layout's entry for a node id.
    public func identity(of node: String) -> NodeIdentity? {
        nodes.first { $0.id == node }
    }
}
