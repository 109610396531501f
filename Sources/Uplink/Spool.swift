import GreencapCore
import Logging

/// The agent's on-disk spool for the uplink (docs/spool.md): opaque records by class, each under a sequence
/// number that is never reused, kept until the collector acknowledges them.
///
/// The API is async: every call runs on the spool's own `DedicatedThread` ("greencap-spool"), because file writes
/// and fdatasync can block for a long time on a busy disk and must not hold a thread of the cooperative pool.
/// Calls are served one at a time in the order they arrive.
public final class Spool: Sendable {
    private let thread: DedicatedThread
    private let box: StoreBox

    private init(thread: DedicatedThread, box: StoreBox) {
        self.thread = thread
        self.box = box
    }

    /// Opens the spool, creating the directory if needed, and recovers what a crash left: a torn final record is
    /// cut off, damaged stretches are logged with file and offset and skipped. Throws `.locked` when another
    /// process has it open.
    public static func open(_ configuration: SpoolConfiguration, logger: Logger) async throws(SpoolError) -> Spool {
        let thread = DedicatedThread(name: "greencap-spool")
        let box = StoreBox()
        do {
            try await thread.run { () throws(SpoolError) in box.store = try SpoolStore.open(configuration, logger: logger) }
        } catch {
            thread.stop()
            throw error
        }
        return Spool(thread: thread, box: box)
    }

    deinit {
        let box = self.box
        thread.submit { try? box.store?.close() }
        thread.stop()
    }

    /// Stores one record; returns its sequence number, or nil when the spool is full of records at least as
    /// important and this one was dropped instead (it is counted in the loss report).
    @discardableResult
    public func append(_ recordClass: SpoolClass, _ payload: [UInt8], time: Int64 = Spool.now()) async throws(SpoolError) -> UInt64? {
        try await append([SpoolEntry(recordClass, payload, time: time)])[0]
    }

    /// Stores a batch with one sync (under `.everyAppend`); the sequences are in the batch's order.
    public func append(_ batch: [SpoolEntry]) async throws(SpoolError) -> [UInt64?] {
        try await use { store throws(SpoolError) in try store.append(batch) }
    }

    /// Unacknowledged records with a sequence above `after`, oldest first, at most `limit` of them and about
    /// `byteLimit` payload bytes. After a reconnect, pass the collector's last stored sequence.
    public func pending(after: UInt64 = 0, limit: Int, byteLimit: Int = .max) async throws(SpoolError) -> [SpoolRecord] {
        try await use { store throws(SpoolError) in try store.pending(after: after, limit: limit, byteLimit: byteLimit) }
    }

    /// The collector's ack: every record through `sequence` is stored there. Persisted before it returns.
    public func acknowledge(through sequence: UInt64) async throws(SpoolError) {
        try await use { store throws(SpoolError) in try store.acknowledge(through: sequence) }
    }

    public func stats() async throws(SpoolError) -> SpoolStats {
        try await use { store throws(SpoolError) in store.stats() }
    }

    /// What was thinned, dropped or damaged since the last confirmed report; nil when nothing. Send it as an event,
    /// then `confirmLossReport(report.id)`.
    public func lossReport() async throws(SpoolError) -> LossReport? {
        try await use { store throws(SpoolError) in try store.lossReport() }
    }

    public func confirmLossReport(_ id: UInt64) async throws(SpoolError) {
        try await use { store throws(SpoolError) in try store.confirmLossReport(id) }
    }

    /// Forces appended records to disk now (for `.beforeSend`, e.g. on a timer).
    public func sync() async throws(SpoolError) {
        try await use { store throws(SpoolError) in try store.syncActive() }
    }

    /// Syncs, saves the state and releases the lock; later calls throw `.closed`.
    public func close() async throws(SpoolError) {
        let box = self.box
        defer { thread.stop() }
        try await thread.run { () throws(SpoolError) in
            defer { box.store = nil }
            try box.store?.close()
        }
    }

    /// Drops the spool's descriptors without syncing or saving: the files are left as a kill -9 would leave them.
    func abandonForTesting() async {
        let box = self.box
        await thread.run { box.store?.abandon(); box.store = nil }
        thread.stop()
    }

    public static func now() -> Int64 { Posix.nowMilliseconds() }

    private func use<Value: Sendable>(_ body: @escaping @Sendable (SpoolStore) throws(SpoolError) -> Value) async throws(SpoolError) -> Value {
        let box = self.box
        return try await thread.run { () throws(SpoolError) -> Value in
            guard let store = box.store else { throw .closed }
            return try body(store)
        }
    }
}

/// Holds the store for the spool's thread; touched only from that thread, which is what makes it Sendable.
private final class StoreBox: @unchecked Sendable {
    var store: SpoolStore?
}
