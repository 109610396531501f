#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One OS thread that runs submitted jobs in order.
///
/// Blocking C libraries (NVML, libmodbus) may stall for seconds: a GPU's first init, a serial timeout. Their
/// calls run here so they never hold a thread of Swift's cooperative pool or an actor's executor.
public final class DedicatedThread: @unchecked Sendable {
    // The lock and condition live at stable heap addresses, as pthreads require.
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wakeUp = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var jobs: [@Sendable () -> Void] = []
    private var stopping = false
    private var finished = false
    public let name: String

    public init(name: String) {
        self.name = name
        pthread_mutex_init(lock, nil)
        pthread_cond_init(wakeUp, nil)
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            let owner = Unmanaged<DedicatedThread>.fromOpaque(raw).takeRetainedValue()
            owner.loop()
            return nil
        }, context)
        if created == 0 {
            pthread_detach(thread)
        } else {
            Unmanaged<DedicatedThread>.fromOpaque(context).release()
            finished = true
        }
    }

    deinit {
        pthread_cond_destroy(wakeUp)
        pthread_mutex_destroy(lock)
        wakeUp.deallocate()
        lock.deallocate()
    }

    /// Runs `body` on this thread and returns its result to the caller's task.
    public func run<Value: Sendable, Failure: Error>(
        _ body: @escaping @Sendable () throws(Failure) -> Value
    ) async throws(Failure) -> Value {
        let result: Result<Value, Failure> = await withCheckedContinuation { continuation in
            let job: @Sendable () -> Void = {
                do throws(Failure) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            // The thread is gone (stopped, or could not start): run here rather than hang the caller.
            if !submit(job) { job() }
        }
        return try result.get()
    }

    /// Queues `job`; false when the thread no longer takes work.
    @discardableResult
    public func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        guard !stopping, !finished else { return false }
        jobs.append(job)
        pthread_cond_signal(wakeUp)
        return true
    }

    /// Lets queued jobs finish, then ends the thread.
    public func stop() {
        pthread_mutex_lock(lock)
        stopping = true
        pthread_cond_signal(wakeUp)
        pthread_mutex_unlock(lock)
    }

    private func loop() {
        nameThisThread()
        while true {
            pthread_mutex_lock(lock)
            while jobs.isEmpty && !stopping { pthread_cond_wait(wakeUp, lock) }
            if jobs.isEmpty {
                finished = true
                pthread_mutex_unlock(lock)
                return
            }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            pthread_mutex_unlock(lock)
            for job in batch { job() }
        }
    }

    /// Names the thread as `top -H`, `ps -L` and core dumps show it. Glibc's module does not export
    /// pthread_setname_np, so write the name where the kernel keeps it (15 bytes at most).
    private func nameThisThread() {
        #if os(Linux)
        let descriptor = open("/proc/thread-self/comm", O_WRONLY)
        guard descriptor >= 0 else { return }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        #endif
    }
}
