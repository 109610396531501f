import NIOCore

/// Takes frames off the front of a stream buffer, checking the header as soon as its bytes are there.
///
/// Kept apart from the NIO handlers so the same checks serve the channel pipeline, the tests and the fuzzer.
public struct FrameReader: Sendable {
    public let limits: WireLimits
    public let acceptedVersions: [UInt8]

    public init(limits: WireLimits = .standard, acceptedVersions: [UInt8] = WireVersion.supported) {
        self.limits = limits
        self.acceptedVersions = acceptedVersions
    }

    /// The next whole frame, or nil when more bytes are needed. Consumes nothing until a frame is complete;
    /// throws as soon as the bytes present prove the stream wrong (bad magic, version or length), without
    /// waiting for a body it would refuse anyway.
    public func next(from buffer: inout ByteBuffer) throws(WireError) -> WireFrame? {
        let start = buffer.readerIndex
        let available = buffer.readableBytes
        // The magic is checked as soon as each of its bytes is there, so garbage is refused at once.
        if let first = buffer.getInteger(at: start, as: UInt8.self), first != UInt8(WireFrame.magic >> 8) {
            throw WireError(.badMagic(UInt16(first) << 8), offset: 0)
        }
        if let magic = buffer.getInteger(at: start, as: UInt16.self), magic != WireFrame.magic {
            throw WireError(.badMagic(magic), offset: 0)
        }
        guard available >= WireFrame.headerBytes,
            let version = buffer.getInteger(at: start + 2, as: UInt8.self),
            let type = buffer.getInteger(at: start + 3, as: UInt8.self),
            let flags = buffer.getInteger(at: start + 4, as: UInt8.self),
            let length = buffer.getInteger(at: start + 5, as: UInt32.self)
        else { return nil }
        guard acceptedVersions.contains(version) else {
            throw WireError(.unsupportedVersion(version), messageType: type, field: "version", offset: 2)
        }
        guard flags & WireFrame.mustUnderstandFlags == 0 else {
            throw WireError(.unknownFlags(flags & WireFrame.mustUnderstandFlags), messageType: type, field: "flags", offset: 4)
        }
        guard Int(length) <= limits.maxFrameBytes else {
            throw WireError(
                .frameTooLarge(length: UInt64(length), limit: limits.maxFrameBytes), messageType: type, field: "length",
                offset: 5)
        }
        let total = WireFrame.headerBytes + Int(length) + WireFrame.trailerBytes
        guard available >= total, let carried = buffer.getInteger(at: start + total - 4, as: UInt32.self) else {
            return nil
        }
        let computed = buffer.withUnsafeReadableBytes { bytes in
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<(total - 4)]))
        }
        guard computed == carried else {
            throw WireError(
                .checksumMismatch(carried: carried, computed: computed), messageType: type, field: "crc32c",
                offset: total - 4)
        }
        buffer.moveReaderIndex(forwardBy: WireFrame.headerBytes)
        guard let payload = buffer.readSlice(length: Int(length)) else { return nil }
        buffer.moveReaderIndex(forwardBy: WireFrame.trailerBytes)
        return WireFrame(version: version, type: type, flags: flags, payload: payload)
    }
}
