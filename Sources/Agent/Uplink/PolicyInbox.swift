import Controller
import Synchronization

/// The newest policy the collector pushed, for the control loop to pick up at its next tick.
public final class PolicyInbox: Sendable {
    private let latest = Mutex<NodePolicy?>(nil)

    public init() {}

    public func deliver(_ policy: NodePolicy) { latest.withLock { $0 = policy } }

    public var current: NodePolicy? { latest.withLock { $0 } }
}
