/// The process's file mappings that hold nothing but clean pages of a file: the code and read-only data of the
/// binary and of the libraries it loaded, as `/proc/PID/smaps` lists them.
///
/// Unmapping such a page loses nothing (the page cache keeps the file's page, and the next touch maps it
/// again), which is what makes `StartupPageRelease` safe. A mapping qualifies only if it is private, neither
/// writable nor shared, backed by a file outside `/dev`, has no anonymous (copied-on-write) page — RELRO
/// data that the loader relocated, or a page a debugger or uprobe patched, keeps its whole mapping out — and
/// is not locked or a device's memory.
public struct CleanFileMapping: Equatable, Sendable {
    public var start: UInt
    public var end: UInt
    public var path: String
    public var residentKiB: Int

    /// The qualifying mappings in `smaps` (the text of `/proc/PID/smaps`) that have resident pages.
    public static func parse(smaps: String) -> [CleanFileMapping] {
        var found: [CleanFileMapping] = []
        var current: Candidate?
        func finish() {
            if let candidate = current, candidate.qualifies { found.append(candidate.mapping) }
            current = nil
        }
        for line in smaps.split(separator: "\n", omittingEmptySubsequences: true) {
            if let header = Candidate(header: line) {
                finish()
                current = header
                continue
            }
            guard current != nil, let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon]
            let value = line[line.index(after: colon)...]
            switch key {
            case "Rss": current?.mapping.residentKiB = kilobytes(value) ?? 0
            case "Anonymous": current?.anonymousKiB = kilobytes(value) ?? Int.max
            case "VmFlags":
                let flags = value.split(separator: " ")
                // Locked pages cannot be dropped; I/O and PFN maps are device memory, not a file's pages.
                if flags.contains(where: { ["lo", "io", "pf", "sh", "wr"].contains($0) }) { current?.excluded = true }
            default: break
            }
        }
        finish()
        return found
    }

    private static func kilobytes(_ value: Substring) -> Int? {
        value.split(separator: " ").first.flatMap { Int($0) }
    }

    private struct Candidate {
        var mapping: CleanFileMapping
        // Unknown until its line is read: a mapping whose smaps block lacks the line is left alone.
        var anonymousKiB = Int.max
        var excluded = false

        /// `start-end perms offset dev inode [path]`, or nil when the line is not a mapping's header.
        init?(header line: Substring) {
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count >= 5, let dash = fields[0].firstIndex(of: "-"),
                let start = UInt(fields[0][..<dash], radix: 16),
                let end = UInt(fields[0][fields[0].index(after: dash)...], radix: 16)
            else { return nil }
            let permissions = fields[1]
            let path = fields.count == 6 ? String(fields[5].drop(while: { $0 == " " })) : ""
            let inode = UInt(fields[4]) ?? 0
            mapping = CleanFileMapping(start: start, end: end, path: path, residentKiB: 0)
            excluded = permissions.count != 4 || permissions.contains("w") || !permissions.hasSuffix("p")
                || inode == 0 || !path.hasPrefix("/") || path.hasPrefix("/dev/") || path.hasPrefix("/memfd:")
        }

        var qualifies: Bool { !excluded && anonymousKiB == 0 && mapping.residentKiB > 0 && mapping.end > mapping.start }
    }
}
