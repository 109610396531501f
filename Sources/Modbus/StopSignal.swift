import GreencapCore
#if canImport(Glibc)
import Glibc
#endif

/// A wait that ends early when the poller is told to stop: the bus thread sleeps between polls on this,
/// so SIGTERM does not wait out a poll interval.
final class StopSignal: @unchecked Sendable {
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var stopped = false
    private var woken = false

    init() {
        pthread_mutex_init(lock, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(lock)
        condition.deallocate()
        lock.deallocate()
    }

    var isStopped: Bool {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return stopped
    }

    func stop() {
        pthread_mutex_lock(lock)
        stopped = true
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(lock)
    }

    /// Ends a wait early without stopping (a hot-plugged adapter, a poll requested now).
    func wake() {
        pthread_mutex_lock(lock)
        woken = true
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(lock)
    }

    /// Sleeps up to `duration`; true when stopped.
    @discardableResult
    func wait(_ duration: Duration) -> Bool {
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        let nanos = max(Int64(0), duration.wholeNanoseconds)
        let total = Int64(deadline.tv_nsec) + nanos % 1_000_000_000
        deadline.tv_sec += Int(nanos / 1_000_000_000 + total / 1_000_000_000)
        deadline.tv_nsec = Int(total % 1_000_000_000)
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        while !stopped && !woken {
            if pthread_cond_timedwait(condition, lock, &deadline) == ETIMEDOUT { break }
        }
        woken = false
        return stopped
    }
}
