import GreencapCore

/// One cap change (invariant 7): when, where, old → new, why, who, and whether it was only a dry run.
public struct AuditRecord: Sendable, Hashable, CustomStringConvertible {
    /// Milliseconds on the deciding clock.
    public var time: Int64
    public var node: String
    /// nil for a node-level change (a rule or target change recorded by the collector).
    public var gpu: Int?
    public var old: Milliwatts?
    public var new: Milliwatts
    public var cause: ChangeCause
    /// The person behind the change, when a person caused it.
    public var author: String?
    /// The lease the change was made under, if any.
    public var leaseExpiresAt: Int64?
    public var dryRun: Bool

    public init(
        time: Int64, node: String, gpu: Int?, old: Milliwatts?, new: Milliwatts, cause: ChangeCause,
        author: String? = nil, leaseExpiresAt: Int64? = nil, dryRun: Bool
    ) {
        self.time = time
        self.node = node
        self.gpu = gpu
        self.old = old
        self.new = new
        self.cause = cause
        self.author = author ?? cause.author
        self.leaseExpiresAt = leaseExpiresAt
        self.dryRun = dryRun
    }

    /// The record of one GPU limit change decided by a node's loop.
    public init(change: LimitChange, node: String, time: Int64, leaseExpiresAt: Int64?) {
        self.init(
            time: time, node: node, gpu: change.gpu, old: change.old, new: change.new, cause: change.cause,
            leaseExpiresAt: leaseExpiresAt, dryRun: change.dryRun)
    }

    public var description: String {
        let place = gpu.map { "\(node) GPU \($0)" } ?? node
        let from = old.map { "\($0.wholeWattsText) → " } ?? ""
        let who = author.map { " by \($0)" } ?? ""
        return "\(time) \(place): \(from)\(new.wholeWattsText), \(cause)\(who)\(dryRun ? " [dry-run]" : "")"
    }
}
