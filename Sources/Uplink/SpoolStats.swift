/// The spool at a glance, for status lines and metrics.
public struct SpoolStats: Sendable, Hashable {
    /// Bytes in segment files (including acknowledged records not yet freed with their segment).
    public var bytesUsed: Int
    public var capacityBytes: Int
    public var segments: Int
    /// Records not yet acknowledged, by class.
    public var pendingRecords: [SpoolClass: Int]
    public var pendingBytes: Int
    /// Since the spool was created (persisted), by class.
    public var thinned: [SpoolClass: UInt64]
    public var dropped: [SpoolClass: UInt64]
    public var acknowledgedThrough: UInt64
    /// The last sequence number handed out (0: none yet).
    public var lastSequence: UInt64
    /// Appended but not yet forced to disk.
    public var unsyncedRecords: Int
    /// Damage found since this process opened the spool.
    public var corruptions: [SpoolCorruption]
    /// Bytes of a torn final write cut off at open (a write interrupted by a crash; never an acknowledged append
    /// under `.everyAppend`).
    public var tornBytesDiscarded: Int
}

/// A damaged stretch of a spool file, as logged.
public struct SpoolCorruption: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var offset: Int
    public var length: Int
    public var reason: String

    public var description: String { "\(file) at offset \(offset) (\(length) bytes): \(reason)" }
}
