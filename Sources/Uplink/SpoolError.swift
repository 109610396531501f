/// What stops the spool, each saying what to do about it. Damaged data on disk is not an error: it is logged
/// with file and offset, skipped, and listed in `SpoolStats.corruptions` and the loss report.
public enum SpoolError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidConfiguration(String)
    /// The directory cannot be created or listed.
    case directory(path: String, reason: String)
    /// Another process holds the spool's lock.
    case locked(path: String)
    /// A file operation failed (disk full, permissions, I/O error).
    case io(operation: String, path: String, reason: String)
    case recordTooLarge(bytes: Int, limit: Int)
    /// The spool was closed; open it again.
    case closed

    public var description: String {
        switch self {
        case .invalidConfiguration(let why):
            "spool configuration: \(why)"
        case .directory(let path, let reason):
            "spool directory \(path): \(reason); create it or give the agent's user write access"
        case .locked(let path):
            "spool \(path) is locked by another process; stop the other greencap-agent or give this one its own spool directory"
        case .io(let operation, let path, let reason):
            "spool \(operation) \(path): \(reason); check free space and permissions, the spool retries on the next call"
        case .recordTooLarge(let bytes, let limit):
            "record of \(bytes) bytes is larger than a segment allows (\(limit)); split the batch or raise the segment size"
        case .closed:
            "the spool is closed; open it again"
        }
    }
}
