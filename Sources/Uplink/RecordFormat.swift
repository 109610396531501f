/// The bytes of a segment file (docs/spool.md, "Format on disk"), little-endian throughout.
///
/// ```
/// segment: "GCSPOOL" version(1) | record*
/// record:  marker C7 5A | class u8 | thinning u8 | payload length u32 | sequence u64 | time i64 | payload | crc32c u32
/// ```
/// The CRC covers everything before it, so a torn write, a flipped bit or a wrong length all fail the check;
/// the marker lets a reader find the next record after a damaged stretch.
enum RecordFormat {
    static let segmentMagic: [UInt8] = Array("GCSPOOL".utf8) + [1]
    static let segmentHeaderSize = 8
    static let marker: (UInt8, UInt8) = (0xC7, 0x5A)
    static let headerSize = 24
    static let overhead = headerSize + 4
    /// No record is read with a larger payload whatever the configuration says, so a damaged length cannot make
    /// the reader allocate gigabytes.
    static let payloadLimit = 1 << 30

    struct Header {
        var recordClass: SpoolClass
        var thinning: UInt8
        var payloadLength: Int
        var sequence: UInt64
        var time: Int64
        var size: Int { RecordFormat.overhead + payloadLength }
    }

    static func encode(sequence: UInt64, recordClass: SpoolClass, thinning: UInt8, time: Int64, payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(overhead + payload.count)
        out.append(marker.0)
        out.append(marker.1)
        out.append(recordClass.rawValue)
        out.append(thinning)
        appendLE(UInt32(payload.count), to: &out)
        appendLE(sequence, to: &out)
        appendLE(time, to: &out)
        out.append(contentsOf: payload)
        appendLE(SpoolCRC32C.checksum(out), to: &out)
        return out
    }

    /// The record at `offset` with its thinning count replaced and its CRC recomputed.
    static func rethinned(_ record: UnsafeRawBufferPointer, thinning: UInt8) -> [UInt8] {
        var out = Array(record)
        out[3] = thinning
        let crc = out.withUnsafeBytes { SpoolCRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<(out.count - 4)])) }
        out.removeLast(4)
        appendLE(crc, to: &out)
        return out
    }

    enum Parsed {
        case record(Header)
        case bad(String)
    }

    /// Checks the record starting at `offset`: marker, class, length within the file, CRC.
    static func parse(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Parsed {
        let available = bytes.count - offset
        guard available >= overhead else { return .bad("record cut short (\(available) bytes left)") }
        guard bytes[offset] == marker.0, bytes[offset + 1] == marker.1 else { return .bad("no record marker") }
        guard let recordClass = SpoolClass(rawValue: bytes[offset + 2]) else {
            return .bad("unknown record class \(bytes[offset + 2])")
        }
        let length = Int(readLE(UInt32.self, bytes, offset + 4))
        guard length <= payloadLimit, length <= available - overhead else {
            return .bad("payload length \(length) runs past the end of the file")
        }
        let end = offset + overhead + length
        let stored = readLE(UInt32.self, bytes, end - 4)
        let computed = SpoolCRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[offset..<(end - 4)]))
        guard stored == computed else { return .bad("CRC32C mismatch") }
        return .record(
            Header(
                recordClass: recordClass, thinning: bytes[offset + 3], payloadLength: length,
                sequence: readLE(UInt64.self, bytes, offset + 8), time: Int64(bitPattern: readLE(UInt64.self, bytes, offset + 16))))
    }

    /// The sequence field of a record whose start is intact but whose end is missing (a torn write), if readable.
    static func tornSequence(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt64? {
        guard bytes.count - offset >= 16, bytes[offset] == marker.0, bytes[offset + 1] == marker.1 else { return nil }
        return readLE(UInt64.self, bytes, offset + 8)
    }

    static func appendLE<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    static func readLE<T: FixedWidthInteger>(_: T.Type, _ bytes: UnsafeRawBufferPointer, _ offset: Int) -> T {
        T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
