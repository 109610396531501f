/// Why a frame or message was refused, and where: the message type, the field, and the byte offset from the
/// start of the frame (its magic), so a capture can be checked against docs/protocol.md by hand.
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Problem: Hashable, Sendable {
        case badMagic(UInt16)
        case unsupportedVersion(UInt8)
        /// A must-understand flag (low nibble) this version does not define.
        case unknownFlags(UInt8)
        case frameTooLarge(length: UInt64, limit: Int)
        case checksumMismatch(carried: UInt32, computed: UInt32)
        /// A type below 0x80 this version does not define (types from 0x80 up are skipped, not refused).
        case unknownMessageType(UInt8)
        case truncated(needed: Int, available: Int)
        /// The stream ended inside a frame.
        case endOfStreamInFrame(bufferedBytes: Int)
        case varintOverflow
        case valueOutOfRange(UInt64)
        case stringTooLong(length: UInt64, limit: Int)
        case invalidUTF8
        case countBeyondLimit(count: UInt64, limit: Int)
        case unknownSeries(UInt32)
        case seriesRedefined(UInt32)
        case seriesNotAscending(UInt32)
        case reservedBitsSet(UInt8)
        case unknownCode(UInt64)
        case trailingBytes(Int)
        /// A message handed to the encoder that cannot be put on the wire as it is (for example a sample column
        /// whose length differs from the batch's tick count).
        case unencodable(String)
    }

    public var problem: Problem
    public var messageType: UInt8?
    public var field: String?
    /// Bytes from the first byte of the frame's magic.
    public var offset: Int?

    public init(_ problem: Problem, messageType: UInt8? = nil, field: String? = nil, offset: Int? = nil) {
        self.problem = problem
        self.messageType = messageType
        self.field = field
        self.offset = offset
    }

    public var description: String {
        var place: [String] = []
        if let messageType { place.append(MessageType(rawValue: messageType).map { "\($0)" } ?? "type 0x\(hex(messageType))") }
        if let field { place.append("field '\(field)'") }
        if let offset { place.append("offset \(offset)") }
        let prefix = place.isEmpty ? "" : place.joined(separator: ", ") + ": "
        return prefix + problemText
    }

    private var problemText: String {
        switch problem {
        case .badMagic(let value): "bad magic 0x\(String(value, radix: 16)) (expected 0x4743, \"GC\")"
        case .unsupportedVersion(let version): "unsupported protocol version \(version) (this build speaks \(WireVersion.supported))"
        case .unknownFlags(let flags): "unknown must-understand flags 0x\(hex(flags))"
        case .frameTooLarge(let length, let limit): "frame body of \(length) bytes exceeds the limit of \(limit)"
        case .checksumMismatch(let carried, let computed):
            "CRC32C mismatch: frame carries 0x\(String(carried, radix: 16)), bytes give 0x\(String(computed, radix: 16))"
        case .unknownMessageType(let type): "unknown message type 0x\(hex(type))"
        case .truncated(let needed, let available): "truncated: needs \(needed) more bytes, \(available) left"
        case .endOfStreamInFrame(let buffered): "stream ended inside a frame (\(buffered) bytes buffered)"
        case .varintOverflow: "varint longer than 64 bits"
        case .valueOutOfRange(let value): "value \(value) out of range"
        case .stringTooLong(let length, let limit): "string of \(length) bytes exceeds the limit of \(limit)"
        case .invalidUTF8: "string is not valid UTF-8"
        case .countBeyondLimit(let count, let limit): "count \(count) exceeds the limit of \(limit)"
        case .unknownSeries(let id): "series \(id) is not in this connection's dictionary"
        case .seriesRedefined(let id): "series \(id) redefined with a different definition"
        case .seriesNotAscending(let id): "series \(id) out of order (ids must ascend within a batch)"
        case .reservedBitsSet(let bits): "reserved bits set: 0x\(hex(bits))"
        case .unknownCode(let code): "unknown code \(code)"
        case .trailingBytes(let count): "\(count) bytes left after the message"
        case .unencodable(let why): "cannot encode: \(why)"
        }
    }

    private func hex(_ byte: UInt8) -> String {
        let text = String(byte, radix: 16)
        return text.count == 1 ? "0" + text : text
    }
}
