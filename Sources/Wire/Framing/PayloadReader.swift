import NIOCore

/// Reads one message body, field by field; every failure names the message type, the field and the offset.
///
/// Counts are checked against the limits and against the bytes left (each element takes at least one byte)
/// before any array is grown, so a claimed count never turns into an allocation.
struct PayloadReader {
    private var buffer: ByteBuffer
    private let start: Int
    /// Offset of the body's first byte within the frame.
    private let base: Int
    let type: UInt8
    let limits: WireLimits

    init(payload: ByteBuffer, type: UInt8, limits: WireLimits, frameOffset: Int = WireFrame.headerBytes) {
        buffer = payload
        start = payload.readerIndex
        base = frameOffset
        self.type = type
        self.limits = limits
    }

    var offset: Int { base + buffer.readerIndex - start }
    var remaining: Int { buffer.readableBytes }

    func error(_ problem: WireError.Problem, _ field: String, at offset: Int? = nil) -> WireError {
        WireError(problem, messageType: type, field: field, offset: offset ?? self.offset)
    }

    mutating func u8(_ field: String) throws(WireError) -> UInt8 {
        guard let byte = buffer.readInteger(as: UInt8.self) else { throw error(.truncated(needed: 1, available: 0), field) }
        return byte
    }

    mutating func bool(_ field: String) throws(WireError) -> Bool {
        let at = offset
        let byte = try u8(field)
        guard byte <= 1 else { throw error(.valueOutOfRange(UInt64(byte)), field, at: at) }
        return byte == 1
    }

    mutating func bytes(_ count: Int, _ field: String) throws(WireError) -> [UInt8] {
        guard let bytes = buffer.readBytes(length: count) else {
            throw error(.truncated(needed: count, available: buffer.readableBytes), field)
        }
        return bytes
    }

    /// LEB128, at most ten bytes; the tenth may only carry the top bit.
    mutating func varint(_ field: String) throws(WireError) -> UInt64 {
        let at = offset
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard let byte = buffer.readInteger(as: UInt8.self) else {
                throw error(.truncated(needed: 1, available: 0), field)
            }
            if shift == 63, byte > 1 { throw error(.varintOverflow, field, at: at) }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func svarint(_ field: String) throws(WireError) -> Int64 {
        ZigZag.decode(try varint(field))
    }

    mutating func uint32(_ field: String) throws(WireError) -> UInt32 {
        let at = offset
        let value = try varint(field)
        guard let narrow = UInt32(exactly: value) else { throw error(.valueOutOfRange(value), field, at: at) }
        return narrow
    }

    mutating func uint16(_ field: String) throws(WireError) -> UInt16 {
        let at = offset
        let value = try varint(field)
        guard let narrow = UInt16(exactly: value) else { throw error(.valueOutOfRange(value), field, at: at) }
        return narrow
    }

    mutating func int(_ field: String) throws(WireError) -> Int {
        Int(truncatingIfNeeded: try svarint(field))
    }

    /// A count of elements that each take at least `minimumElementBytes`, checked before the caller loops.
    mutating func count(_ field: String, limit: Int, minimumElementBytes: Int = 1) throws(WireError) -> Int {
        let at = offset
        let value = try varint(field)
        guard value <= UInt64(limit) else { throw error(.countBeyondLimit(count: value, limit: limit), field, at: at) }
        let count = Int(value)
        let needed = count * minimumElementBytes
        guard needed <= buffer.readableBytes else {
            throw error(.truncated(needed: needed, available: buffer.readableBytes), field, at: at)
        }
        return count
    }

    mutating func string(_ field: String) throws(WireError) -> String {
        let at = offset
        let length = try varint(field)
        guard length <= UInt64(limits.maxStringBytes) else {
            throw error(.stringTooLong(length: length, limit: limits.maxStringBytes), field, at: at)
        }
        guard let bytes = buffer.readBytes(length: Int(length)) else {
            throw error(.truncated(needed: Int(length), available: buffer.readableBytes), field)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw error(.invalidUTF8, field, at: at) }
        return text
    }

    /// Millionths, for scores and fractions.
    mutating func fixedPoint(_ field: String) throws(WireError) -> Double {
        Double(try svarint(field)) / FixedPoint.scale
    }

    mutating func optional<T>(_ field: String, _ read: (inout PayloadReader) throws(WireError) -> T) throws(WireError) -> T? {
        try bool(field) ? try read(&self) : nil
    }

    /// The body must end exactly here: trailing bytes mean the two sides disagree about the layout.
    func finish() throws(WireError) {
        guard buffer.readableBytes == 0 else { throw error(.trailingBytes(buffer.readableBytes), "end") }
    }
}

enum ZigZag {
    static func encode(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }
    static func decode(_ value: UInt64) -> Int64 { Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1))) }
}

enum FixedPoint {
    static let scale = 1_000_000.0

    /// Not-a-number travels as 0 and values are clamped to ±2^53 millionths, so no input can trap the encoder.
    static func encode(_ value: Double) -> Int64 {
        guard !value.isNaN else { return 0 }
        let scaled = (value * scale).rounded()
        let bound = 9_007_199_254_740_992.0
        return Int64(min(bound, max(-bound, scaled)))
    }
}
