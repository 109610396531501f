import GreencapConfig
import GreencapCore

/// What the cap endpoints change: the store (where caps live and are logged), the planner (which pushes them),
/// and the bounds from `[api]`. Without one, the HTTP server answers cap changes 503.
public struct CapControl: Sendable {
    public let store: SQLiteStore
    public let planner: PolicyPlanner
    public let settings: APISettings
    /// Unix milliseconds: cap creation and lease ends are on the collector's wall clock.
    public let now: @Sendable () -> Int64

    public init(
        store: SQLiteStore, planner: PolicyPlanner, settings: APISettings,
        now: @escaping @Sendable () -> Int64 = { Timestamp.nowMilliseconds() }
    ) {
        self.store = store
        self.planner = planner
        self.settings = settings
        self.now = now
    }

    /// Hands the caps in force to the planner (which pushes them if they changed).
    public func refresh() async throws(StoreError) {
        planner.setAPICaps(try await store.capsInForce(now: now()))
    }
}
