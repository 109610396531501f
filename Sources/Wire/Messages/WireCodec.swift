import NIOCore

/// Messages to frames and back, without a channel: what the NIO handlers, the tests and the size tool share.
public struct WireCodec: Sendable {
    public var limits: WireLimits
    /// The version written into frames after the handshake.
    public var version: UInt8

    public init(limits: WireLimits = .standard, version: UInt8 = WireVersion.current) {
        self.limits = limits
        self.version = version
    }

    /// Appends one framed message. `hello` and `challenge` always go out as version 1 frames.
    public func encode(_ message: WireMessage, into out: inout ByteBuffer) throws(WireError) {
        var writer = PayloadWriter(
            buffer: ByteBufferAllocator().buffer(capacity: 128), type: message.type.rawValue, limits: limits)
        try MessageBodyEncoder.write(message, into: &writer)
        let frameVersion = message.type == .hello || message.type == .challenge ? WireVersion.handshake : version
        try WireFrame(version: frameVersion, type: message.type.rawValue, payload: writer.buffer).write(into: &out, limits: limits)
    }

    public func encode(_ message: WireMessage) throws(WireError) -> ByteBuffer {
        var out = ByteBufferAllocator().buffer(capacity: 128)
        try encode(message, into: &out)
        return out
    }

    /// The message a frame carries; nil for an extension type (0x80 and up) this build does not know, which
    /// the receiver skips. With a registry, sample batches must use defined series, and dictionary entries
    /// are added to it.
    public func decode(_ frame: WireFrame, registry: inout SeriesRegistry) throws(WireError) -> WireMessage? {
        guard let type = MessageType(rawValue: frame.type) else {
            if frame.type >= MessageType.firstIgnorable { return nil }
            throw WireError(.unknownMessageType(frame.type), messageType: frame.type, field: "type", offset: 3)
        }
        var reader = PayloadReader(payload: frame.payload, type: frame.type, limits: limits)
        let message = try MessageBodyDecoder.read(type, from: &reader, registry: registry)
        if case .seriesDictionary(let entries) = message { try registry.add(entries) }
        return message
    }

    /// Decodes a frame without connection state: any series id is accepted.
    public func decode(_ frame: WireFrame) throws(WireError) -> WireMessage? {
        guard let type = MessageType(rawValue: frame.type) else {
            if frame.type >= MessageType.firstIgnorable { return nil }
            throw WireError(.unknownMessageType(frame.type), messageType: frame.type, field: "type", offset: 3)
        }
        var reader = PayloadReader(payload: frame.payload, type: frame.type, limits: limits)
        return try MessageBodyDecoder.read(type, from: &reader, registry: nil)
    }
}
