/// What the spool keeps beside its segments in `spool.state`: the acknowledged point, the highest sequence ever
/// handed out (so numbers are not reused when every segment is gone), lifetime loss counters and the loss report.
///
/// Written whole through a temporary file and rename, and always *before* records are removed, so a crash can
/// over-report a loss but never hide one.
struct SpoolState: Equatable {
    var acknowledgedThrough: UInt64 = 0
    var highestAssigned: UInt64 = 0
    var lifetimeThinned: [UInt64] = [0, 0, 0]
    var lifetimeDropped: [UInt64] = [0, 0, 0]
    /// Losses not yet handed out in a report.
    var open = LossReport(id: 0)
    /// The last report handed out and not yet confirmed.
    var outstanding: LossReport?
    var nextReportID: UInt64 = 1

    static let magic: [UInt8] = Array("GCSPSTA".utf8) + [1]

    struct DecodeError: Error, CustomStringConvertible {
        var description: String
    }

    func encode() -> [UInt8] {
        var out = Self.magic
        for value in [acknowledgedThrough, highestAssigned, nextReportID] + lifetimeThinned + lifetimeDropped {
            RecordFormat.appendLE(value, to: &out)
        }
        Self.encode(open, to: &out)
        out.append(outstanding == nil ? 0 : 1)
        if let outstanding { Self.encode(outstanding, to: &out) }
        RecordFormat.appendLE(SpoolCRC32C.checksum(out), to: &out)
        return out
    }

    static func decode(_ bytes: [UInt8]) throws(DecodeError) -> SpoolState {
        guard bytes.count >= magic.count + 4 else { throw DecodeError(description: "file too short (\(bytes.count) bytes)") }
        guard Array(bytes[0..<magic.count]) == magic else { throw DecodeError(description: "not a spool state file (header)") }
        let body = Array(bytes[0..<(bytes.count - 4)])
        let stored = bytes.withUnsafeBytes { RecordFormat.readLE(UInt32.self, $0, bytes.count - 4) }
        guard stored == SpoolCRC32C.checksum(body) else { throw DecodeError(description: "CRC32C mismatch") }
        var reader = Reader(bytes: body, offset: magic.count)
        var state = SpoolState()
        state.acknowledgedThrough = try reader.u64()
        state.highestAssigned = try reader.u64()
        state.nextReportID = try reader.u64()
        state.lifetimeThinned = [try reader.u64(), try reader.u64(), try reader.u64()]
        state.lifetimeDropped = [try reader.u64(), try reader.u64(), try reader.u64()]
        state.open = try decodeReport(&reader)
        if try reader.byte() == 1 { state.outstanding = try decodeReport(&reader) }
        guard reader.offset == body.count else { throw DecodeError(description: "\(body.count - reader.offset) unexpected trailing bytes") }
        return state
    }

    private static func encode(_ report: LossReport, to out: inout [UInt8]) {
        RecordFormat.appendLE(report.id, to: &out)
        RecordFormat.appendLE(report.corruptedRegions, to: &out)
        RecordFormat.appendLE(report.corruptedBytes, to: &out)
        for recordClass in SpoolClass.allCases {
            let tally = report[recordClass]
            RecordFormat.appendLE(tally.thinned, to: &out)
            RecordFormat.appendLE(tally.dropped, to: &out)
            // Each optional as a presence byte and a value.
            for value in [tally.firstTime.map { UInt64(bitPattern: $0) }, tally.lastTime.map { UInt64(bitPattern: $0) }, tally.firstSequence, tally.lastSequence] {
                out.append(value == nil ? 0 : 1)
                RecordFormat.appendLE(value ?? 0, to: &out)
            }
        }
    }

    private static func decodeReport(_ reader: inout Reader) throws(DecodeError) -> LossReport {
        var report = LossReport(id: try reader.u64())
        report.corruptedRegions = try reader.u64()
        report.corruptedBytes = try reader.u64()
        for recordClass in SpoolClass.allCases {
            var tally = LossTally()
            tally.thinned = try reader.u64()
            tally.dropped = try reader.u64()
            tally.firstTime = try reader.optional().map { Int64(bitPattern: $0) }
            tally.lastTime = try reader.optional().map { Int64(bitPattern: $0) }
            tally.firstSequence = try reader.optional()
            tally.lastSequence = try reader.optional()
            report[recordClass] = tally
        }
        return report
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset: Int

        mutating func byte() throws(DecodeError) -> UInt8 {
            guard offset < bytes.count else { throw DecodeError(description: "cut short at offset \(offset)") }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func u64() throws(DecodeError) -> UInt64 {
            guard bytes.count - offset >= 8 else { throw DecodeError(description: "cut short at offset \(offset)") }
            defer { offset += 8 }
            return bytes.withUnsafeBytes { RecordFormat.readLE(UInt64.self, $0, offset) }
        }

        mutating func optional() throws(DecodeError) -> UInt64? {
            let present = try byte()
            let value = try u64()
            return present == 1 ? value : nil
        }
    }
}
