import Synchronization

/// Which node is connected where. A second connection for a node that is already connected is refused and
/// the first keeps working: a copied key cannot push the real node off, and a node whose old connection is
/// half-open gets in once the idle timeout (3 × ping interval) has closed it (docs/collector.md).
public final class ConnectionRegistry: Sendable {
    public struct Entry: Sendable {
        public var connection: UInt64
        /// Asks the connection to look at its policy again (runs on the connection's event loop).
        public var refreshPolicy: @Sendable () -> Void
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let nextID = Atomic<UInt64>(1)

    public init() {}

    public func newConnectionID() -> UInt64 { nextID.wrappingAdd(1, ordering: .relaxed).oldValue }

    /// False when another connection holds the node.
    public func claim(node: String, entry: Entry) -> Bool {
        entries.withLock { entries in
            if entries[node] != nil { return false }
            entries[node] = entry
            return true
        }
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
