import NIOCore
import Wire

/// What the spool holds for one batch: the message body as the wire carries it, encoded with sequence 0, so
/// the sequence the spool assigns can be put in at send time without re-encoding the batch.
///
/// Sample and event bodies both begin with their sequence as a varint (docs/protocol.md), and 0 encodes as a
/// single 0x00 byte.
enum SpooledBody {
    /// Frame header: "GC", version, type, flags, u32 body length.
    static let headerBytes = 9
    static let trailerBytes = 4

    static func encode(_ message: WireMessage) throws(WireError) -> [UInt8] {
        let frame = try WireCodec().encode(message)
        let bytes = Array(frame.readableBytesView)
        return Array(bytes[headerBytes..<(bytes.count - trailerBytes)])
    }

    /// The body with `sequence` in place of the placeholder; nil when the body does not start with one
    /// (a record written by something else: skipped and logged by the caller).
    static func body(_ payload: [UInt8], sequence: UInt64) -> ByteBuffer? {
        guard payload.first == 0 else { return nil }
        var buffer = ByteBufferAllocator().buffer(capacity: payload.count + 9)
        var value = sequence
        while value >= 0x80 {
            buffer.writeInteger(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        buffer.writeInteger(UInt8(value))
        buffer.writeBytes(payload[1...])
        return buffer
    }
}
