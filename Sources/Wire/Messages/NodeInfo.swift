import GreencapCore

/// What the collector needs to know about a node beyond its id: where it stands (so caps can name rows and
/// racks, and scope totals can be shared out) and the power range its caps must fall in (so an engineer's cap
/// below what the GPUs can be held to is refused at the collector, not discovered on the node).
///
/// Sent after authentication and again whenever it changes; not spooled: only the newest matters.
public struct NodeInfo: Sendable, Hashable {
    public var site: String?
    public var row: String?
    public var rack: String?
    /// GPUs the agent can drive (answering, limits known); 0 before the first reading.
    public var gpuCount: Int
    /// The cap the node falls back to when anything is wrong; nil when the node runs no controller.
    public var safeCap: Milliwatts?
    /// The least the node can be held to (its GPUs' minimum limits plus its non-GPU load); nil until known.
    public var lowestEnforceable: Milliwatts?
    /// The most its GPU limits allow (maximum limits plus non-GPU load); nil until known.
    public var highestEnforceable: Milliwatts?

    public init(
        site: String? = nil, row: String? = nil, rack: String? = nil, gpuCount: Int = 0, safeCap: Milliwatts? = nil,
        lowestEnforceable: Milliwatts? = nil, highestEnforceable: Milliwatts? = nil
    ) {
        self.site = site
        self.row = row
        self.rack = rack
        self.gpuCount = gpuCount
        self.safeCap = safeCap
        self.lowestEnforceable = lowestEnforceable
        self.highestEnforceable = highestEnforceable
    }
}
