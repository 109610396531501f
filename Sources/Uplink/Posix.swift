#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The POSIX file calls the spool makes, each retrying EINTR and turning failure into a `SpoolError` that names
/// the file. No Foundation: the agent does not link it.
enum Posix {
    static func reason(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    static func openFile(_ path: String, _ flags: Int32, mode: mode_t = 0o640) throws(SpoolError) -> Int32 {
        while true {
            let fd = open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw .io(operation: "open", path: path, reason: reason()) }
        }
    }

    static func closeFile(_ fd: Int32) {
        if fd >= 0 { _ = close(fd) }
    }

    /// Writes all of `bytes` at `offset` (pwrite, so a retried append overwrites a partial one).
    static func write(_ fd: Int32, _ bytes: [UInt8], at offset: Int, path: String) throws(SpoolError) {
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeBytes { raw in
                pwrite(fd, raw.baseAddress.map { $0 + done }, raw.count - done, off_t(offset + done))
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "write", path: path, reason: reason())
            }
            done += count
        }
    }

    /// `count` bytes at `offset`; fewer when the file ends first.
    static func read(_ fd: Int32, count: Int, at offset: Int, path: String) throws(SpoolError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress.map { $0 + done }, count - done, off_t(offset + done))
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "read", path: path, reason: reason())
            }
            if got == 0 { break }
            done += got
        }
        bytes.removeLast(count - done)
        return bytes
    }

    /// The whole file; nil when it does not exist.
    static func readFile(_ path: String) throws(SpoolError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw .io(operation: "open", path: path, reason: reason())
        }
        defer { closeFile(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .io(operation: "stat", path: path, reason: reason()) }
        return try read(fd, count: Int(info.st_size), at: 0, path: path)
    }

    /// Writes `bytes` to `path` through a temporary file, synced and renamed over it: the old or the new
    /// contents, never a mixture.
    static func replaceFile(_ path: String, with bytes: [UInt8], directory: String) throws(SpoolError) {
        let temporary = path + ".tmp"
        let fd = try openFile(temporary, O_WRONLY | O_CREAT | O_TRUNC)
        do {
            try write(fd, bytes, at: 0, path: temporary)
            try dataSync(fd, path: temporary)
        } catch {
            closeFile(fd)
            throw error
        }
        closeFile(fd)
        try renameFile(temporary, to: path)
        try syncDirectory(directory)
    }

    static func dataSync(_ fd: Int32, path: String) throws(SpoolError) {
        #if os(Linux)
        let result = fdatasync(fd)
        #else
        let result = fsync(fd)
        #endif
        guard result == 0 else { throw .io(operation: "fdatasync", path: path, reason: reason()) }
    }

    /// Makes created, renamed and deleted names durable.
    static func syncDirectory(_ path: String) throws(SpoolError) {
        let fd = try openFile(path, O_RDONLY | O_DIRECTORY)
        defer { closeFile(fd) }
        guard fsync(fd) == 0 else { throw .io(operation: "fsync", path: path, reason: reason()) }
    }

    static func renameFile(_ from: String, to: String) throws(SpoolError) {
        guard rename(from, to) == 0 else { throw .io(operation: "rename", path: from, reason: reason()) }
    }

    static func removeFile(_ path: String) throws(SpoolError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw .io(operation: "unlink", path: path, reason: reason()) }
    }

    static func truncateFile(_ path: String, to length: Int) throws(SpoolError) {
        guard truncate(path, off_t(length)) == 0 else { throw .io(operation: "truncate", path: path, reason: reason()) }
    }

    /// Creates `path` and its missing parents.
    static func makeDirectories(_ path: String) throws(SpoolError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o750) != 0 && errno != EEXIST {
                throw .directory(path: prefix, reason: reason())
            }
        }
    }

    static func listDirectory(_ path: String) throws(SpoolError) -> [String] {
        guard let directory = opendir(path) else { throw .directory(path: path, reason: reason()) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) {
                    String(cString: $0)
                }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Holds an exclusive lock on `path` for as long as the returned descriptor stays open.
    static func lock(_ path: String) throws(SpoolError) -> Int32 {
        let fd = try openFile(path, O_RDWR | O_CREAT)
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            closeFile(fd)
            if code == EWOULDBLOCK { throw .locked(path: path) }
            throw .io(operation: "flock", path: path, reason: reason(code))
        }
        return fd
    }

    /// Milliseconds since the Unix epoch.
    static func nowMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
