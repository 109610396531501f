import Synchronization

/// Which node is connected where. A second connection for a node that is already connected is refused and
/// the first keeps working: a copied key cannot push the real node off. The refusal also probes the first
/// (a ping it must answer within seconds), so a node whose old connection died silently gets back in at its
/// next retry rather than after the idle timeout (docs/collector.md).
public final class ConnectionRegistry: Sendable {
    public struct Entry: Sendable {
        public var connection: UInt64
        /// Asks the connection to look at its policy again (runs on the connection's event loop).
        public var refreshPolicy: @Sendable () -> Void
        /// Asks the connection to prove it is alive (runs on the connection's event loop).
        public var probe: @Sendable () -> Void = {}

        public init(connection: UInt64, refreshPolicy: @escaping @Sendable () -> Void, probe: @escaping @Sendable () -> Void = {}) {
            self.connection = connection
            self.refreshPolicy = refreshPolicy
            self.probe = probe
        }
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let nextID = Atomic<UInt64>(1)

    public init() {}

    public func newConnectionID() -> UInt64 { nextID.wrappingAdd(1, ordering: .relaxed).oldValue }

    /// False when another connection holds the node; that connection is then probed.
    public func claim(node: String, entry: Entry) -> Bool {
        let holder: Entry? = entries.withLock { entries in
            if let holder = entries[node] { return holder }
            entries[node] = entry
            return nil
        }
        holder?.probe()
        return holder == nil
    }

    public func release(node: String, connection: UInt64) {
        entries.withLock { entries in
            if entries[node]?.connection == connection { entries[node] = nil }
        }
    }

    public var count: Int { entries.withLock { $0.count } }

    public func refreshAll() {
        for entry in entries.withLock({ Array($0.values) }) { entry.refreshPolicy() }
    }
}
