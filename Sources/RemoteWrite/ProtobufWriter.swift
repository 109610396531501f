/// The protobuf wire primitives remote-write needs (varint, fixed64, length-delimited), written into a
/// buffer sized up front: the encoder measures each message first, so nothing is copied twice.
struct ProtobufWriter {
    enum WireType: UInt8 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    private(set) var bytes: [UInt8]

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    mutating func tag(_ field: UInt32, _ type: WireType) {
        varint(UInt64(field) << 3 | UInt64(type.rawValue))
    }

    mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// Little-endian, as protobuf's `double` travels.
    mutating func fixed64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    mutating func string(_ field: UInt32, _ text: String) {
        tag(field, .lengthDelimited)
        varint(UInt64(text.utf8.count))
        bytes.append(contentsOf: text.utf8)
    }
}

/// Encoded sizes, so a message's length prefix can be written before the message.
enum ProtobufSize {
    static func varint(_ value: UInt64) -> Int {
        // Each byte carries 7 bits; zero still takes one byte.
        max(1, (64 - value.leadingZeroBitCount + 6) / 7)
    }

    /// A length-delimited field whose tag fits one byte (fields 1–15).
    static func lengthDelimited(_ length: Int) -> Int {
        1 + varint(UInt64(length)) + length
    }
}
