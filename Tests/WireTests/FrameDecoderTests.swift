import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing
@testable import Wire

@Suite struct FrameDecoderTests {
    /// Drip-fed, coalesced and split as NIO's verifier does it, for every message type.
    @Test func verifierAcceptsTheFrameDecoder() throws {
        let pairs: [(ByteBuffer, [WireFrame])] = try Fixtures.messages.map { _, message in
            let bytes = try Fixtures.frame(message)
            var copy = ByteBuffer(bytes: bytes)
            let frame = try #require(try FrameReader().next(from: &copy))
            return (ByteBuffer(bytes: bytes), [frame])
        }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { WireFrameDecoder() }
    }

    /// The verifier shuffles its pairs, so the dictionary and the batch that needs it travel as one input.
    @Test func verifierAcceptsTheMessageDecoder() throws {
        let pairs: [(ByteBuffer, [WireMessage])] = try Fixtures.messages.map { name, message in
            if name == "samples" {
                let dictionary = WireMessage.seriesDictionary(Fixtures.dictionary)
                return (ByteBuffer(bytes: try Fixtures.frame(dictionary) + Fixtures.frame(message)), [dictionary, message])
            }
            return (ByteBuffer(bytes: try Fixtures.frame(message)), [message])
        }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { WireMessageDecoder() }
    }

    /// The whole fixture stream cut in two at every byte.
    @Test func everySplitPointDecodesTheSameMessages() throws {
        var stream = try Fixtures.frame(.seriesDictionary(Fixtures.dictionary))
        for (_, message) in Fixtures.messages { stream += try Fixtures.frame(message) }
        let expected = [WireMessage.seriesDictionary(Fixtures.dictionary)] + Fixtures.messages.map(\.1)
        for split in 0...stream.count {
            let channel = EmbeddedChannel(handler: ByteToMessageHandler(WireMessageDecoder()))
            try channel.writeInbound(ByteBuffer(bytes: stream[..<split]))
            try channel.writeInbound(ByteBuffer(bytes: stream[split...]))
            var decoded: [WireMessage] = []
            while let message = try channel.readInbound(as: WireMessage.self) { decoded.append(message) }
            #expect(decoded == expected, "split at \(split)")
            #expect(try channel.finish().isClean)
        }
    }

    @Test func encoderHandlerWritesWhatTheDecoderReads() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(WireMessageEncoder()))
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(WireMessageDecoder()))
        for (_, message) in Fixtures.messages where message.type != .samples {
            try channel.writeOutbound(message)
            let bytes = try #require(try channel.readOutbound(as: ByteBuffer.self))
            try channel.writeInbound(bytes)
            #expect(try channel.readInbound(as: WireMessage.self) == message)
        }
        _ = try channel.finish()
    }

    @Test func endOfStreamInsideAFrameIsAnError() throws {
        let bytes = try Fixtures.frame(.ping(sentAt: 1))
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(WireFrameDecoder()))
        try channel.writeInbound(ByteBuffer(bytes: bytes.dropLast(2)))
        #expect(throws: WireError(.endOfStreamInFrame(bufferedBytes: bytes.count - 2))) { try channel.finish() }
    }
}
