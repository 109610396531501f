@testable import Daemon
import GreencapCore
import Testing

@Suite struct CleanFileMappingTests {
    /// One block per kind of mapping a daemon has, in the kernel's smaps format (fields trimmed to those read).
    static let smaps = """
        5591c2a00000-5591c3c00000 r-xp 00a00000 fd:01 1311 /usr/bin/greencap-agent
        Size:              18432 kB
        Rss:               15448 kB
        Anonymous:             0 kB
        VmFlags: rd ex mr mw me sd
        5591c3c00000-5591c3d00000 r--p 01c00000 fd:01 1311 /usr/bin/greencap-agent
        Size:               1024 kB
        Rss:                 900 kB
        Anonymous:           412 kB
        VmFlags: rd mr mw me ac sd
        5591c3d00000-5591c3d10000 rw-p 01d00000 fd:01 1311 /usr/bin/greencap-agent
        Rss:                  64 kB
        Anonymous:            64 kB
        VmFlags: rd wr mr mw me ac sd
        5591c4000000-5591c4100000 rw-p 00000000 00:00 0 [heap]
        Rss:                 620 kB
        Anonymous:           620 kB
        7f1a00000000-7f1a00010000 rw-s 00000000 00:06 901 /dev/nvidiactl
        Rss:                  64 kB
        Anonymous:             0 kB
        VmFlags: rd wr sh mr mw me ms io pf dd sd
        7f1a10000000-7f1a10180000 r-xp 00028000 fd:01 2202 /usr/lib/x86_64-linux-gnu/libc.so.6
        Rss:                1592 kB
        Anonymous:             0 kB
        VmFlags: rd ex mr mw me sd
        7f1a20000000-7f1a20010000 r-xp 00000000 fd:01 3303 /opt/locked lib/libpinned.so
        Rss:                  64 kB
        Anonymous:             0 kB
        VmFlags: rd ex mr mw me lo sd
        7f1a30000000-7f1a30010000 r--p 00000000 fd:01 4404 /usr/lib/untouched.so
        Rss:                   0 kB
        Anonymous:             0 kB
        7f1a40000000-7f1a40400000 r-xp 00000000 fd:01 5505 /usr/bin/greencap-agent (deleted)
        Rss:                2048 kB
        Anonymous:             0 kB
        VmFlags: rd ex mr mw me sd
        7f1a50000000-7f1a50001000 r-xp 00000000 fd:01 6606 /usr/lib/uprobed.so
        Rss:                   4 kB
        Anonymous:             4 kB
        7ffd1c3f0000-7ffd1c3f2000 r-xp 00000000 00:00 0 [vdso]
        Rss:                   8 kB
        Anonymous:             0 kB
        7f1a60000000-7f1a60001000 r-xp 00000000 fd:01 7707 /usr/lib/no-anonymous-line.so
        Rss:                   4 kB
        7f1a70000000-7f1a70010000 rw-p 00020000 fd:01 8808 /usr/lib/never-written-data.so
        Rss:                  64 kB
        Anonymous:             0 kB
        VmFlags: rd wr mr mw me ac sd
        7f1a80000000-7f1a80010000 r--s 00000000 fd:01 9909 /var/lib/greencap/shared-read-only
        Rss:                  64 kB
        Anonymous:             0 kB
        VmFlags: rd mr me ms sd
        """

    @Test func onlyNeverWrittenPrivateFilePagesQualify() {
        let found = CleanFileMapping.parse(smaps: Self.smaps)
        #expect(
            found == [
                CleanFileMapping(start: 0x5591_c2a0_0000, end: 0x5591_c3c0_0000, path: "/usr/bin/greencap-agent", residentKiB: 15448),
                CleanFileMapping(
                    start: 0x7f1a_1000_0000, end: 0x7f1a_1018_0000, path: "/usr/lib/x86_64-linux-gnu/libc.so.6", residentKiB: 1592),
                // An upgrade replaced the binary: the running one's pages still come from the old inode.
                CleanFileMapping(
                    start: 0x7f1a_4000_0000, end: 0x7f1a_4040_0000, path: "/usr/bin/greencap-agent (deleted)", residentKiB: 2048),
            ])
    }

    @Test func theProcessesOwnMappingsAreAllReadOnlyFiles() throws {
        let found = CleanFileMapping.parse(smaps: try procText("/proc/self/smaps"))
        #expect(!found.isEmpty)
        let permissions = try Dictionary(
            procText("/proc/self/maps").split(separator: "\n").map { line -> (UInt, Substring) in
                let fields = line.split(separator: " ")
                return (UInt(fields[0].prefix(while: { $0 != "-" }), radix: 16) ?? 0, fields[1])
            }, uniquingKeysWith: { first, _ in first })
        for mapping in found {
            let perms = try #require(permissions[mapping.start])
            #expect(!perms.contains("w") && perms.hasSuffix("p"), "\(mapping.path) is \(perms)")
        }
    }
}

@Suite struct StartupPageReleaseTests {
    /// On this very process: its code and read-only data leave its RSS, and nothing it holds changes.
    @Test func releasingShrinksTheResidentSetAndLosesNothing() throws {
        let written = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: 4096)
        defer { written.deallocate() }
        for index in written.indices { written[index] = UInt64(index) &* 0x9E37_79B9_7F4A_7C15 }
        let before = try residentFileKiB()

        let outcome = StartupPageRelease.releaseNow()

        let after = try residentFileKiB()
        #expect(outcome.failure == nil)
        #expect(outcome.mappings > 0 && outcome.releasedKiB > 1024)
        // Other tests run beside this one and fault pages back in, but not megabytes within microseconds.
        #expect(after < before - outcome.releasedKiB / 2, "RssFile \(before) KiB before, \(after) KiB after")
        #expect(written.indices.allSatisfy { written[$0] == UInt64($0) &* 0x9E37_79B9_7F4A_7C15 })
        // Code runs again from the page cache, the parser included.
        #expect(CleanFileMapping.parse(smaps: CleanFileMappingTests.smaps).count == 3)
    }

    private func residentFileKiB() throws -> Int {
        let line = try #require(procText("/proc/self/status").split(separator: "\n").first { $0.hasPrefix("RssFile:") })
        return try #require(Int(line.split(separator: " ")[1]))
    }
}

private func procText(_ path: String) throws -> String {
    String(decoding: try TextFile.readBytes(path, limit: 64 << 20), as: UTF8.self)
}
