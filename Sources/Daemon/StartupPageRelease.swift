import GreencapCore
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Gives back the pages of code and read-only data that only start-up needed.
///
/// Argument parsing, the TOML reader, config checks, library loading and TLS set-up run once, but the pages
/// they touched stay mapped for the life of the process, with the neighbours the kernel maps around every
/// fault (fault-around), and VmRSS counts all of them: most of a long-running agent's RSS was code it ran
/// once. Once start-up is over, this unmaps the clean file pages (`CleanFileMapping`) with `MADV_DONTNEED`.
/// For a private mapping that was never written that discards nothing: the page cache keeps the pages
/// (reclaimable, shared with every process that maps the same file) and the next touch maps a page again,
/// so what stays resident is the steady-state working set.
public enum StartupPageRelease {
    public struct Outcome: Equatable, Sendable {
        /// Resident KiB of the mappings released, as smaps counted them just before.
        public var releasedKiB: Int
        public var mappings: Int
        /// The first refusal, e.g. "madvise(/usr/bin/greencap-agent): Invalid argument".
        public var failure: String?
    }

    /// Set to `0` in the daemon's environment to keep every page mapped (to compare, or to profile).
    public static let environmentVariable = "GREENCAP_RELEASE_STARTUP_PAGES"

    public static var enabled: Bool {
        guard let value = getenv(environmentVariable) else { return true }
        return String(cString: value) != "0"
    }

    /// Releases this process's clean file pages. Reads procfs and makes system calls: run it off the
    /// cooperative pool.
    public static func releaseNow() -> Outcome {
        #if os(Linux)
        let smaps: String
        do {
            // Bytes, not validated text: a mapped file's name need not be UTF-8.
            smaps = String(decoding: try TextFile.readBytes("/proc/self/smaps", limit: 64 << 20), as: UTF8.self)
        } catch {
            return Outcome(releasedKiB: 0, mappings: 0, failure: "cannot read \(error)")
        }
        var outcome = Outcome(releasedKiB: 0, mappings: 0, failure: nil)
        for mapping in CleanFileMapping.parse(smaps: smaps) {
            guard let address = UnsafeMutableRawPointer(bitPattern: mapping.start) else { continue }
            if madvise(address, Int(mapping.end - mapping.start), MADV_DONTNEED) == 0 {
                outcome.releasedKiB += mapping.residentKiB
                outcome.mappings += 1
            } else if outcome.failure == nil {
                outcome.failure = "madvise(\(mapping.path)): \(errnoText())"
            }
        }
        return outcome
        #else
        return Outcome(releasedKiB: 0, mappings: 0, failure: "only Linux releases start-up pages")
        #endif
    }

    /// Releases the pages on a thread of its own and logs what it gave back.
    public static func release(logger: Logger, reason: String) async {
        guard enabled else { return }
        let thread = DedicatedThread(name: "greencap-trim")
        defer { thread.stop() }
        let clock = ContinuousClock()
        let began = clock.now
        let outcome = await thread.run { releaseNow() }
        let took = clock.now - began
        if let failure = outcome.failure {
            logger.warning("start-up pages not all released (\(reason)): \(failure)")
        }
        logger.info(
            "released start-up pages (\(reason))",
            metadata: ["kib": "\(outcome.releasedKiB)", "mappings": "\(outcome.mappings)", "took_ms": "\(took.wholeMilliseconds)"])
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
