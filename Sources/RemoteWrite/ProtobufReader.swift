/// Why bytes are not a WriteRequest. Offsets count from the start of the decoded buffer.
public enum ProtobufDecodingError: Error, Sendable, Equatable {
    case truncated(offset: Int)
    case varintTooLong(offset: Int)
    /// Groups (wire types 3 and 4) and the unassigned types 6 and 7 never appear in prompb.
    case unsupportedWireType(UInt8, offset: Int)
    case wrongWireType(field: UInt32, wireType: UInt8, offset: Int)
    case invalidUTF8(offset: Int)
}

/// Reads protobuf fields from a byte slice without trusting any length in it.
struct ProtobufReader {
    private let bytes: ArraySlice<UInt8>
    private(set) var position: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        position = bytes.startIndex
    }

    var isAtEnd: Bool { position >= bytes.endIndex }

    mutating func varint() throws(ProtobufDecodingError) -> UInt64 {
        let start = position
        var result: UInt64 = 0
        for shift in stride(from: 0, to: 70, by: 7) {
            guard position < bytes.endIndex else { throw .truncated(offset: start) }
            let byte = bytes[position]
            position += 1
            // The tenth byte may only carry the 64th bit.
            if shift == 63 && byte > 1 { throw .varintTooLong(offset: start) }
            result |= UInt64(byte & 0x7F) << UInt64(shift)
            if byte & 0x80 == 0 { return result }
        }
        throw .varintTooLong(offset: start)
    }

    /// The next field's number and wire type.
    mutating func tag() throws(ProtobufDecodingError) -> (field: UInt32, wireType: UInt8) {
        let offset = position
        let key = try varint()
        let wireType = UInt8(key & 7)
        guard [0, 1, 2, 5].contains(wireType) else { throw .unsupportedWireType(wireType, offset: offset) }
        return (UInt32(truncatingIfNeeded: key >> 3), wireType)
    }

    mutating func fixed64() throws(ProtobufDecodingError) -> UInt64 {
        guard bytes.endIndex - position >= 8 else { throw .truncated(offset: position) }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[position + index]) << UInt64(index * 8) }
        position += 8
        return value
    }

    mutating func lengthDelimited() throws(ProtobufDecodingError) -> ArraySlice<UInt8> {
        let offset = position
        let length = try varint()
        guard length <= UInt64(bytes.endIndex - position) else { throw .truncated(offset: offset) }
        let slice = bytes[position..<position + Int(length)]
        position += Int(length)
        return slice
    }

    mutating func string() throws(ProtobufDecodingError) -> String {
        let offset = position
        let slice = try lengthDelimited()
        guard let text = String(validating: slice, as: UTF8.self) else { throw .invalidUTF8(offset: offset) }
        return text
    }

    /// Steps over a field this decoder does not know, as protobuf requires of readers.
    mutating func skip(wireType: UInt8) throws(ProtobufDecodingError) {
        switch wireType {
        case 0: _ = try varint()
        case 1: _ = try fixed64()
        case 2: _ = try lengthDelimited()
        default:
            guard bytes.endIndex - position >= 4 else { throw .truncated(offset: position) }
            position += 4
        }
    }
}
