#if canImport(Glibc)
import Glibc
#endif

/// What tells a reader that a small file it polls has changed: size, modification time and inode (writers
/// that replace a file by rename change the inode even within one mtime tick). One `stat`, no read.
public struct FileSignature: Sendable, Hashable {
    public var size: Int64
    public var modifiedNanoseconds: Int64
    public var inode: UInt64

    /// The file could not be stat'ed (missing, unreadable directory); `errno` says why.
    public static let missing = FileSignature(size: -1, modifiedNanoseconds: 0, inode: 0)

    public init(size: Int64, modifiedNanoseconds: Int64, inode: UInt64) {
        self.size = size
        self.modifiedNanoseconds = modifiedNanoseconds
        self.inode = inode
    }

    public static func of(_ path: String) -> FileSignature {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        return FileSignature(
            size: Int64(info.st_size), modifiedNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
            inode: UInt64(info.st_ino))
    }
}
