/// Where a record sits in a segment file, kept in memory for every record on disk.
struct IndexEntry: Equatable {
    var sequence: UInt64
    var time: Int64
    var offset: Int
    var size: Int
    var recordClass: SpoolClass
    var thinning: UInt8
}

/// A stretch of a segment that holds no valid record.
struct BadRegion: Equatable {
    var offset: Int
    var length: Int
    var reason: String
    /// Runs to the end of the file: in the segment being written, that is a torn final write.
    var atEnd: Bool
    /// The sequence in a torn record's header, when its start survived.
    var tornSequence: UInt64?
}

/// Reads a whole segment: the records that check out, and the damaged stretches between them.
enum SegmentScanner {
    struct Result {
        var headerValid: Bool
        var entries: [IndexEntry] = []
        var badRegions: [BadRegion] = []
    }

    static func scan(_ bytes: [UInt8]) -> Result {
        guard bytes.count >= RecordFormat.segmentHeaderSize,
            Array(bytes[0..<RecordFormat.segmentHeaderSize]) == RecordFormat.segmentMagic
        else { return Result(headerValid: false) }
        var result = Result(headerValid: true)
        bytes.withUnsafeBytes { raw in
            var offset = RecordFormat.segmentHeaderSize
            var last: UInt64 = 0
            while offset < raw.count {
                let problem: String
                switch RecordFormat.parse(raw, at: offset) {
                case .record(let header) where header.sequence > last:
                    result.entries.append(
                        IndexEntry(
                            sequence: header.sequence, time: header.time, offset: offset, size: header.size,
                            recordClass: header.recordClass, thinning: header.thinning))
                    last = header.sequence
                    offset += header.size
                    continue
                case .record(let header):
                    problem = "sequence \(header.sequence) does not follow \(last)"
                case .bad(let reason):
                    problem = reason
                }
                // Resynchronise on the next marker that starts a valid record with a later sequence.
                if let next = nextRecord(raw, after: offset, following: last) {
                    result.badRegions.append(BadRegion(offset: offset, length: next - offset, reason: problem, atEnd: false))
                    offset = next
                } else {
                    result.badRegions.append(
                        BadRegion(
                            offset: offset, length: raw.count - offset, reason: problem, atEnd: true,
                            tornSequence: RecordFormat.tornSequence(raw, at: offset)))
                    offset = raw.count
                }
            }
        }
        return result
    }

    private static func nextRecord(_ raw: UnsafeRawBufferPointer, after offset: Int, following last: UInt64) -> Int? {
        var candidate = offset + 1
        while candidate + RecordFormat.overhead <= raw.count {
            if raw[candidate] == RecordFormat.marker.0, raw[candidate + 1] == RecordFormat.marker.1,
                case .record(let header) = RecordFormat.parse(raw, at: candidate), header.sequence > last
            {
                return candidate
            }
            candidate += 1
        }
        return nil
    }
}
