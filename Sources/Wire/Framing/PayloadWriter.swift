import NIOCore

/// Writes one message body; refuses what the peer's decoder would refuse, so a bad message fails at the
/// sender, where the mistake is, instead of closing the connection at the receiver.
struct PayloadWriter {
    var buffer: ByteBuffer
    let type: UInt8
    let limits: WireLimits

    func error(_ problem: WireError.Problem, _ field: String) -> WireError {
        WireError(problem, messageType: type, field: field)
    }

    mutating func u8(_ value: UInt8) { buffer.writeInteger(value) }

    mutating func bool(_ value: Bool) { buffer.writeInteger(UInt8(value ? 1 : 0)) }

    mutating func bytes(_ bytes: [UInt8]) { buffer.writeBytes(bytes) }

    mutating func varint(_ value: UInt64) { buffer.writeVarint(value) }

    mutating func svarint(_ value: Int64) { buffer.writeVarint(ZigZag.encode(value)) }

    mutating func fixedPoint(_ value: Double) { svarint(FixedPoint.encode(value)) }

    mutating func count(_ count: Int, limit: Int, _ field: String) throws(WireError) {
        guard count <= limit else { throw error(.countBeyondLimit(count: UInt64(count), limit: limit), field) }
        varint(UInt64(count))
    }

    mutating func string(_ text: String, _ field: String) throws(WireError) {
        let length = text.utf8.count
        guard length <= limits.maxStringBytes else {
            throw error(.stringTooLong(length: UInt64(length), limit: limits.maxStringBytes), field)
        }
        varint(UInt64(length))
        buffer.writeString(text)
    }

    mutating func optional<T>(_ value: T?, _ write: (inout PayloadWriter, T) throws(WireError) -> Void) throws(WireError) {
        bool(value != nil)
        if let value { try write(&self, value) }
    }
}

extension ByteBuffer {
    mutating func writeVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            writeInteger(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        writeInteger(UInt8(rest))
    }
}

enum Varint {
    static func size(_ value: UInt64) -> Int {
        var rest = value
        var size = 1
        while rest >= 0x80 {
            rest >>= 7
            size += 1
        }
        return size
    }
}
