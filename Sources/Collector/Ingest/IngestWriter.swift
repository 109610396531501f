import Logging
import Synchronization

/// The one writer: connections enqueue items, a single task commits them in transactions of at most
/// `commitBatches` batches or `commitInterval` of waiting, whichever comes first, then calls each item's
/// completion. A completion runs only after its transaction committed, which is what makes an ack mean
/// "stored" (docs/collector.md, "Exactly once").
public final class IngestWriter: Sendable {
    public typealias Completion = @Sendable (Result<IngestOutcome, any Error>) -> Void

    private struct Pending {
        var item: IngestItem
        var completion: Completion?
    }

    private struct State {
        var queue: [Pending] = []
        var batches = 0
        var firstQueuedAt: ContinuousClock.Instant?
        var waiter: CheckedContinuation<Void, Never>?
        var closed = false
        var writing = false
    }

    let store: any TelemetryStore
    let commitInterval: Duration
    let commitBatches: Int
    let logger: Logger
    let metrics: CollectorMetrics?
    private let state = Mutex(State())
    private let counters = Mutex((transactions: 0, batches: 0))

    public init(
        store: any TelemetryStore, commitInterval: Duration, commitBatches: Int, logger: Logger, metrics: CollectorMetrics? = nil
    ) {
        self.metrics = metrics
        self.store = store
        self.commitInterval = commitInterval
        self.commitBatches = commitBatches
        self.logger = logger
    }

    /// Queues an item; its completion runs after the transaction holding it committed (or failed).
    public func enqueue(_ item: IngestItem, completion: Completion? = nil) {
        let refused: Bool = state.withLock { state in
            guard !state.closed else { return true }
            if state.queue.isEmpty { state.firstQueuedAt = .now }
            state.queue.append(Pending(item: item, completion: completion))
            if item.isBatch { state.batches += 1 }
            if let waiter = state.waiter {
                state.waiter = nil
                waiter.resume()
            }
            return false
        }
        if refused { completion?(.success(.refused("collector shutting down"))) }
    }

    /// Commits until `close()` and an empty queue.
    public func run() async {
        let clock = ContinuousClock()
        while true {
            let empty = state.withLock { $0.queue.isEmpty }
            if empty {
                let finished = state.withLock { $0.closed }
                if finished { break }
                await withCheckedContinuation { continuation in
                    let resumeNow = state.withLock { state in
                        if !state.queue.isEmpty || state.closed { return true }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
                continue
            }
            // Gather: wait until the batch is full or the first item has waited its interval.
            while true {
                let (batches, first, closed) = state.withLock { ($0.batches, $0.firstQueuedAt, $0.closed) }
                if closed || batches >= commitBatches { break }
                guard let first else { break }
                let waited = clock.now - first
                if waited >= commitInterval { break }
                try? await Task.sleep(for: min(.milliseconds(5), commitInterval - waited))
            }
            let taken: [Pending] = state.withLock { state in
                let taken = state.queue
                state.queue = []
                state.batches = 0
                state.firstQueuedAt = nil
                state.writing = true
                return taken
            }
            await write(taken)
            state.withLock { $0.writing = false }
        }
    }

    private func write(_ taken: [Pending]) async {
        do {
            let clock = ContinuousClock()
            let started = clock.now
            let outcomes = try await store.commit(taken.map(\.item))
            metrics?.storeCommit.record(clock.now - started)
            counters.withLock {
                $0.transactions += 1
                $0.batches += taken.count(where: { $0.item.isBatch })
            }
            for (pending, outcome) in zip(taken, outcomes) { pending.completion?(.success(outcome)) }
        } catch {
            logger.error("ingest transaction failed; its batches are not acknowledged and will be resent: \(error)")
            for pending in taken { pending.completion?(.failure(error)) }
        }
    }

    /// No more items: `run` commits what is queued and returns.
    public func close() {
        state.withLock { state in
            state.closed = true
            if let waiter = state.waiter {
                state.waiter = nil
                waiter.resume()
            }
        }
    }

    /// Queued and in-transaction work is done (used by the graceful shutdown before closing connections).
    public func isIdle() -> Bool { state.withLock { $0.queue.isEmpty && !$0.writing } }

    public var statistics: (transactions: Int, batches: Int) { counters.withLock { $0 } }
}
