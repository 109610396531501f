import NIOCore

/// One frame: `magic "GC" | version | type | flags | body length (u32 BE) | body | CRC32C (u32 BE)`.
///
/// The checksum covers the header and the body and trails them, so a sender can stream the body and a
/// receiver can refuse an oversized length from the first nine bytes.
public struct WireFrame: Sendable, Hashable {
    public static let magic: UInt16 = 0x4743
    public static let headerBytes = 9
    public static let trailerBytes = 4
    /// Flags in this nibble change the meaning of the body: a receiver that does not know one must refuse the
    /// frame. None is defined in version 1.
    public static let mustUnderstandFlags: UInt8 = 0x0F

    public var version: UInt8
    public var type: UInt8
    public var flags: UInt8
    public var payload: ByteBuffer

    public init(version: UInt8, type: UInt8, flags: UInt8 = 0, payload: ByteBuffer) {
        self.version = version
        self.type = type
        self.flags = flags
        self.payload = payload
    }

    /// Appends the framed body to `out`.
    public func write(into out: inout ByteBuffer, limits: WireLimits = .standard) throws(WireError) {
        guard payload.readableBytes <= limits.maxFrameBytes else {
            throw WireError(
                .frameTooLarge(length: UInt64(payload.readableBytes), limit: limits.maxFrameBytes), messageType: type)
        }
        let start = out.writerIndex
        out.writeInteger(Self.magic)
        out.writeInteger(version)
        out.writeInteger(type)
        out.writeInteger(flags)
        out.writeInteger(UInt32(payload.readableBytes))
        var body = payload
        out.writeBuffer(&body)
        let crc = out.withUnsafeReadableBytes { bytes in
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[(start - out.readerIndex)...]))
        }
        out.writeInteger(crc)
    }
}
