import NIOCore

/// Splits the inbound byte stream into checked frames. Errors are thrown at the first byte that proves the
/// stream wrong; `ByteToMessageHandler` then stops decoding and the connection is closed by the layer above.
public struct WireFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = WireFrame

    private let reader: FrameReader

    public init(limits: WireLimits = .standard, acceptedVersions: [UInt8] = WireVersion.supported) {
        reader = FrameReader(limits: limits, acceptedVersions: acceptedVersions)
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try reader.next(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0 { throw WireError(.endOfStreamInFrame(bufferedBytes: buffer.readableBytes)) }
        return .needMoreData
    }
}

/// Frames to messages for one connection: keeps the series dictionary the peer has sent so far, so a batch
/// naming an undefined series is refused here rather than stored under a meaningless id.
public struct WireMessageDecoder: ByteToMessageDecoder {
    public typealias InboundOut = WireMessage

    private let reader: FrameReader
    private let codec: WireCodec
    public private(set) var registry: SeriesRegistry

    public init(limits: WireLimits = .standard, acceptedVersions: [UInt8] = WireVersion.supported) {
        reader = FrameReader(limits: limits, acceptedVersions: acceptedVersions)
        codec = WireCodec(limits: limits)
        registry = SeriesRegistry(limit: limits.maxSeriesPerConnection)
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try reader.next(from: &buffer) else { return .needMoreData }
        if let message = try codec.decode(frame, registry: &registry) {
            context.fireChannelRead(Self.wrapInboundOut(message))
        }
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0 { throw WireError(.endOfStreamInFrame(bufferedBytes: buffer.readableBytes)) }
        return .needMoreData
    }
}

/// Frames outbound messages. Set `version` once the handshake has agreed one.
public struct WireMessageEncoder: MessageToByteEncoder {
    public typealias OutboundIn = WireMessage

    public var codec: WireCodec

    public init(limits: WireLimits = .standard, version: UInt8 = WireVersion.current) {
        codec = WireCodec(limits: limits, version: version)
    }

    public func encode(data: WireMessage, out: inout ByteBuffer) throws {
        try codec.encode(data, into: &out)
    }
}
