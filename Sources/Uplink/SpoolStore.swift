import Logging

/// The spool's working core: segment files, the in-memory index of every record, and the state file.
///
/// Not thread-safe and blocking: used only from the spool's `DedicatedThread` (through `Spool`), or directly by
/// tests. Every record on disk has an `IndexEntry` (about 40 bytes), so a full 64 MiB spool of 1 KiB batches
/// costs ~2.6 MB of memory.
final class SpoolStore {
    struct Segment {
        var number: UInt64
        var path: String
        var entries: [IndexEntry]
        var fileSize: Int
    }

    let configuration: SpoolConfiguration
    let logger: Logger
    var directory: String { configuration.directory }
    var statePath: String { directory + "/spool.state" }

    var segments: [Segment] = []
    /// Open for appending: the last segment, or -1 when the next append starts a new one.
    var activeFD: Int32 = -1
    var state = SpoolState()
    var nextSequence: UInt64 = 1
    var unsyncedRecords = 0
    var lockFD: Int32
    var bytesUsed = 0
    var pendingRecords: [SpoolClass: Int] = [:]
    var pendingBytes = 0
    var corruptions: [SpoolCorruption] = []
    var tornBytes = 0

    private init(configuration: SpoolConfiguration, logger: Logger, lockFD: Int32) {
        self.configuration = configuration
        self.logger = logger
        self.lockFD = lockFD
    }

    /// Opens (creating if needed) the spool in `configuration.directory`, recovering what a crash left.
    static func open(_ configuration: SpoolConfiguration, logger: Logger) throws(SpoolError) -> SpoolStore {
        try configuration.validate()
        try Posix.makeDirectories(configuration.directory)
        let lockFD = try Posix.lock(configuration.directory + "/spool.lock")
        let store = SpoolStore(configuration: configuration, logger: logger, lockFD: lockFD)
        do {
            try store.recover()
        } catch {
            store.abandon()
            throw error
        }
        return store
    }

    // MARK: Appending

    /// Appends each entry; a nil sequence means the entry itself was dropped (counted in the loss report) because
    /// the spool is full of records at least as important. Refuses the whole batch if one entry is too large.
    func append(_ batch: [SpoolEntry]) throws(SpoolError) -> [UInt64?] {
        let limit = configuration.maximumPayloadBytes
        if let large = batch.first(where: { $0.payload.count > limit }) {
            throw .recordTooLarge(bytes: large.payload.count, limit: limit)
        }
        var sequences: [UInt64?] = []
        sequences.reserveCapacity(batch.count)
        for entry in batch { sequences.append(try appendOne(entry)) }
        if configuration.sync == .everyAppend { try syncActive() }
        return sequences
    }

    private func appendOne(_ entry: SpoolEntry) throws(SpoolError) -> UInt64? {
        let size = RecordFormat.overhead + entry.payload.count
        if bytesUsed + size + newSegmentCost(size) > configuration.capacityBytes {
            // Assume a new segment: a rewrite seals the one being written.
            guard try makeRoom(for: entry.recordClass, bytes: size + RecordFormat.segmentHeaderSize) else {
                try recordRefused(entry)
                return nil
            }
        }
        if newSegmentCost(size) > 0 { try startSegment() }
        let sequence = nextSequence
        let bytes = RecordFormat.encode(
            sequence: sequence, recordClass: entry.recordClass, thinning: 0, time: entry.time, payload: entry.payload)
        let last = segments.count - 1
        try Posix.write(activeFD, bytes, at: segments[last].fileSize, path: segments[last].path)
        segments[last].entries.append(
            IndexEntry(
                sequence: sequence, time: entry.time, offset: segments[last].fileSize, size: size,
                recordClass: entry.recordClass, thinning: 0))
        segments[last].fileSize += size
        bytesUsed += size
        pendingRecords[entry.recordClass, default: 0] += 1
        pendingBytes += size
        nextSequence += 1
        unsyncedRecords += 1
        return sequence
    }

    private func newSegmentCost(_ size: Int) -> Int {
        guard activeFD >= 0, let last = segments.last, last.fileSize + size <= configuration.segmentBytes else {
            return RecordFormat.segmentHeaderSize
        }
        return 0
    }

    /// Seals the segment being written and starts `segment-<next sequence>.log`.
    private func startSegment() throws(SpoolError) {
        try sealActive()
        let path = segmentPath(nextSequence)
        let fd = try Posix.openFile(path, O_RDWR | O_CREAT | O_TRUNC)
        do {
            try Posix.write(fd, RecordFormat.segmentMagic, at: 0, path: path)
            // The new name must be durable before records in it can be.
            try Posix.syncDirectory(directory)
        } catch {
            Posix.closeFile(fd)
            try? Posix.removeFile(path)
            throw error
        }
        activeFD = fd
        segments.append(Segment(number: nextSequence, path: path, entries: [], fileSize: RecordFormat.segmentHeaderSize))
        bytesUsed += RecordFormat.segmentHeaderSize
    }

    func syncActive() throws(SpoolError) {
        guard unsyncedRecords > 0, activeFD >= 0, let last = segments.last else { return }
        try Posix.dataSync(activeFD, path: last.path)
        unsyncedRecords = 0
    }

    func sealActive() throws(SpoolError) {
        guard activeFD >= 0 else { return }
        try syncActive()
        Posix.closeFile(activeFD)
        activeFD = -1
    }

    func segmentPath(_ number: UInt64) -> String {
        let digits = String(number)
        return directory + "/segment-" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".log"
    }

    static func segmentNumber(_ name: String) -> UInt64? {
        guard name.hasPrefix("segment-"), name.hasSuffix(".log") else { return nil }
        return UInt64(name.dropFirst("segment-".count).dropLast(".log".count))
    }

    // MARK: Reading and acknowledging

    /// Unacknowledged records after `after`, oldest first: at most `limit`, and no more than `byteLimit` payload
    /// bytes (at least one record whatever its size). Syncs first, so nothing is sent that a power cut could take
    /// back and whose sequence number could then be reused.
    func pending(after: UInt64, limit: Int, byteLimit: Int) throws(SpoolError) -> [SpoolRecord] {
        try syncActive()
        let from = max(after, state.acknowledgedThrough)
        var records: [SpoolRecord] = []
        var payloadBytes = 0
        var damaged: [(segment: Int, entry: Int)] = []
        var previous = state.acknowledgedThrough
        search: for s in segments.indices {
            guard let last = segments[s].entries.last, last.sequence > from else {
                if let last = segments[s].entries.last { previous = max(previous, last.sequence) }
                continue
            }
            let path = segments[s].path
            let reusesActive = s == segments.count - 1 && activeFD >= 0
            let fd = reusesActive ? activeFD : try Posix.openFile(path, O_RDONLY)
            defer { if !reusesActive { Posix.closeFile(fd) } }
            for (e, entry) in segments[s].entries.enumerated() {
                guard entry.sequence > from else {
                    previous = max(previous, entry.sequence)
                    continue
                }
                if records.count >= limit || (!records.isEmpty && payloadBytes + entry.size - RecordFormat.overhead > byteLimit) {
                    break search
                }
                let bytes = try Posix.read(fd, count: entry.size, at: entry.offset, path: path)
                guard let record = decode(bytes, as: entry, previous: previous) else {
                    damaged.append((s, e))
                    noteCorruption(file: path, offset: entry.offset, length: entry.size, reason: "record \(entry.sequence) changed on disk since it was written")
                    continue
                }
                records.append(record)
                payloadBytes += record.payload.count
                previous = entry.sequence
            }
        }
        if !damaged.isEmpty {
            for (s, e) in damaged.reversed() { segments[s].entries.remove(at: e) }
            recount()
            try saveState()
        }
        return records
    }

    private func decode(_ bytes: [UInt8], as entry: IndexEntry, previous: UInt64) -> SpoolRecord? {
        bytes.withUnsafeBytes { raw -> SpoolRecord? in
            guard raw.count == entry.size, case .record(let header) = RecordFormat.parse(raw, at: 0),
                header.sequence == entry.sequence
            else { return nil }
            return SpoolRecord(
                sequence: header.sequence, recordClass: header.recordClass, time: header.time, thinning: Int(header.thinning),
                previousSequence: previous,
                payload: Array(raw[RecordFormat.headerSize..<(RecordFormat.headerSize + header.payloadLength)]))
        }
    }

    /// The collector stored everything through `sequence`: never hand those out again, and free whole segments.
    func acknowledge(through sequence: UInt64) throws(SpoolError) {
        guard sequence > state.acknowledgedThrough else { return }
        if sequence >= nextSequence {
            logger.warning(
                "the collector acknowledged a sequence this spool never assigned; the spool was probably reset — numbering continues after it so new records are not discarded as duplicates",
                metadata: ["acknowledged": "\(sequence)", "next": "\(nextSequence)", "spool": "\(directory)"])
            nextSequence = sequence + 1
        }
        state.acknowledgedThrough = sequence
        state.highestAssigned = max(state.highestAssigned, nextSequence - 1)
        try saveState()
        while let first = segments.first, first.entries.last.map({ $0.sequence <= sequence }) ?? true {
            if segments.count == 1 && activeFD >= 0 {
                Posix.closeFile(activeFD)
                activeFD = -1
                unsyncedRecords = 0
            }
            try Posix.removeFile(first.path)
            segments.removeFirst()
        }
        recount()
    }

    /// Recomputes the byte and record counts from the index (after removals; appends keep them up to date).
    func recount() {
        bytesUsed = 0
        pendingBytes = 0
        pendingRecords = [:]
        for segment in segments {
            bytesUsed += segment.fileSize
            for entry in segment.entries where entry.sequence > state.acknowledgedThrough {
                pendingRecords[entry.recordClass, default: 0] += 1
                pendingBytes += entry.size
            }
        }
    }

    func stats() -> SpoolStats {
        var thinned: [SpoolClass: UInt64] = [:]
        var dropped: [SpoolClass: UInt64] = [:]
        for recordClass in SpoolClass.allCases {
            thinned[recordClass] = state.lifetimeThinned[Int(recordClass.rawValue) - 1]
            dropped[recordClass] = state.lifetimeDropped[Int(recordClass.rawValue) - 1]
        }
        return SpoolStats(
            bytesUsed: bytesUsed, capacityBytes: configuration.capacityBytes, segments: segments.count,
            pendingRecords: pendingRecords, pendingBytes: pendingBytes, thinned: thinned, dropped: dropped,
            acknowledgedThrough: state.acknowledgedThrough, lastSequence: nextSequence - 1, unsyncedRecords: unsyncedRecords,
            corruptions: corruptions, tornBytesDiscarded: tornBytes)
    }

    // MARK: Closing

    /// Syncs, records the highest sequence handed out, and releases the lock.
    func close() throws(SpoolError) {
        defer { abandon() }
        try sealActive()
        state.highestAssigned = max(state.highestAssigned, nextSequence - 1)
        try saveState()
    }

    /// Lets go of every descriptor without syncing or saving anything: what a kill -9 leaves (used by tests).
    func abandon() {
        Posix.closeFile(activeFD)
        activeFD = -1
        Posix.closeFile(lockFD)
        lockFD = -1
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
