/// Where the spool lives, how large it may grow, and when it forces data to the disk.
public struct SpoolConfiguration: Sendable, Equatable {
    /// One directory per agent; the spool takes an exclusive lock on `spool.lock` inside it.
    public var directory: String
    /// The most the segment files may hold together. Past it, records are thinned and dropped by class.
    public var capacityBytes: Int
    /// Size at which a segment is sealed and the next one started. Fully acknowledged segments are deleted whole,
    /// so smaller segments free space sooner at the price of more files.
    public var segmentBytes: Int
    /// When appended records are forced to the disk (docs/spool.md, "fsync policy").
    public var sync: SyncPolicy
    /// How many times a samples record may survive thinning (each pass keeps one record in two) before samples are
    /// dropped outright: 3 keeps at least one record in eight of the oldest history.
    public var maximumThinning: Int
    /// When the spool is full it frees this much below capacity, so the (costly) segment rewrite happens once per
    /// this many bytes appended rather than on every append.
    public var headroomBytes: Int

    public static let defaultDirectory = "/var/lib/greencap/spool"

    public init(
        directory: String = SpoolConfiguration.defaultDirectory, capacityBytes: Int = 64 << 20, segmentBytes: Int = 4 << 20,
        sync: SyncPolicy = .everyAppend, maximumThinning: Int = 3, headroomBytes: Int? = nil
    ) {
        self.directory = directory
        self.capacityBytes = capacityBytes
        self.segmentBytes = segmentBytes
        self.sync = sync
        self.maximumThinning = maximumThinning
        self.headroomBytes = headroomBytes ?? max(capacityBytes / 8, 1)
    }

    /// The largest payload one record may carry: it must fit in one segment.
    public var maximumPayloadBytes: Int { segmentBytes - RecordFormat.segmentHeaderSize - RecordFormat.overhead }

    func validate() throws(SpoolError) {
        func refuse(_ why: String) -> SpoolError { .invalidConfiguration(why) }
        guard !directory.isEmpty else { throw refuse("the spool directory is empty; name a directory the agent may write") }
        guard segmentBytes >= 1024, segmentBytes <= 1 << 30 else {
            throw refuse("segment size \(segmentBytes) bytes is outside 1 KiB…1 GiB")
        }
        guard capacityBytes >= 2 * segmentBytes else {
            throw refuse("capacity \(capacityBytes) bytes is less than two segments (\(2 * segmentBytes)); raise it or use smaller segments")
        }
        guard headroomBytes > 0, headroomBytes <= capacityBytes / 2 else {
            throw refuse("headroom \(headroomBytes) bytes must be above 0 and at most half the capacity")
        }
        guard (0...30).contains(maximumThinning) else { throw refuse("maximum thinning \(maximumThinning) is outside 0…30") }
    }
}

/// When the spool calls fdatasync(2) on the segment being written.
public enum SyncPolicy: Sendable, Equatable {
    /// After every `append` call (a batch is one call, one sync): a record whose append returned survives a power
    /// cut. Costs one fdatasync per call (docs/spool.md has the figure).
    case everyAppend
    /// Only before `pending` hands records out, on `sync()`, on segment roll-over and on close. A kill -9 loses
    /// nothing (the bytes are in the page cache); a power cut may lose records appended since the last sync, but
    /// never one that was sent, so a sequence number the collector has seen is never reused.
    case beforeSend
}
