#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Nanosecond clocks for measuring NVML calls: wall (monotonic) and this thread's CPU time.
enum CPUClock {
    static func wallNanoseconds() -> UInt64 { read(CLOCK_MONOTONIC) }

    /// CPU time of the calling thread only, so other threads' work does not count against a call.
    static func threadCPUNanoseconds() -> UInt64 { read(CLOCK_THREAD_CPUTIME_ID) }

    private static func read(_ clock: clockid_t) -> UInt64 {
        var spec = timespec()
        clock_gettime(clock, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }
}

/// Median, 99th percentile and extremes of a set of timings, in nanoseconds.
public struct TimingSummary: Sendable, Codable, Hashable {
    public var samples: Int
    public var minimumNs: UInt64
    public var medianNs: UInt64
    public var p99Ns: UInt64
    public var maximumNs: UInt64

    public init(_ values: [UInt64]) {
        let sorted = values.sorted()
        samples = sorted.count
        minimumNs = sorted.first ?? 0
        maximumNs = sorted.last ?? 0
        medianNs = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        p99Ns = sorted.isEmpty ? 0 : sorted[Swift.min(sorted.count - 1, (sorted.count * 99) / 100)]
    }

    enum CodingKeys: String, CodingKey {
        case samples, minimumNs = "min_ns", medianNs = "median_ns", p99Ns = "p99_ns", maximumNs = "max_ns"
    }
}
