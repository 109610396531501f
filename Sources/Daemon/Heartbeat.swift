import Synchronization

/// Counts completed iterations of a daemon's main loop. The watchdog pings systemd only when this moves,
/// so a hung loop (a stuck driver call, a deadlock) stops the pings and systemd restarts the daemon.
public final class Heartbeat: Sendable {
    private let beats = Atomic<UInt64>(0)

    public init() {}

    /// Call once per completed unit of real work.
    public func beat() {
        beats.add(1, ordering: .releasing)
    }

    public var count: UInt64 { beats.load(ordering: .acquiring) }
}
