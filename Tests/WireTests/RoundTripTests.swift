import Controller
import GreencapCore
import NIOCore
import Testing
@testable import Wire

@Suite struct RoundTripTests {
    @Test(arguments: Fixtures.messages.map(\.0))
    func everyMessageRoundTrips(name: String) throws {
        let message = try #require(Fixtures.messages.first { $0.0 == name }?.1)
        var buffer = ByteBuffer(bytes: try Fixtures.frame(message))
        let frame = try #require(try FrameReader().next(from: &buffer))
        #expect(buffer.readableBytes == 0)
        var registry = SeriesRegistry()
        try registry.add(Fixtures.dictionary)
        #expect(try WireCodec().decode(frame, registry: &registry) == message)
    }

    @Test func everyTypeHasAFixture() {
        let covered = Set(Fixtures.messages.map(\.1.type))
        #expect(covered == Set(MessageType.allCases))
    }

    @Test func sampleEdgeCasesRoundTrip() throws {
        let cases: [SampleBatch] = [
            SampleBatch(sequence: 0, timestamps: [], columns: []),
            SampleBatch(sequence: .max, timestamps: [], columns: [SampleColumn(seriesID: 9, values: [])]),
            SampleBatch(sequence: 1, timestamps: [5], columns: [SampleColumn(seriesID: 0, values: [nil])]),
            SampleBatch(
                sequence: 2, timestamps: [.min, .max, 0, -1],
                columns: [
                    SampleColumn(seriesID: 0, values: [.min, .max, .min, .max]),
                    SampleColumn(seriesID: 3, values: [nil, nil, nil, 4]),
                    SampleColumn(seriesID: .max, values: [0, 0, 0, 0]),
                ]),
            SampleBatch(
                sequence: 3, timestamps: Array(stride(from: Int64(0), to: 9000, by: 1000)),
                columns: [SampleColumn(seriesID: 1, values: [1, 1, 1, 1, 2, 2, 2, 2, 2])]),
        ]
        for batch in cases {
            let body = try SampleBatchEncoder().encode(batch)
            #expect(try SampleBatchDecoder().decode(body) == batch)
        }
    }

    @Test func modelStreamRoundTrips() throws {
        var model = NodeStreamModel(seed: 7)
        var registry = SeriesRegistry()
        let codec = WireCodec()
        var stream = try codec.encode(.seriesDictionary(model.series))
        var batches: [SampleBatch] = []
        for _ in 0..<20 {
            let batch = model.nextBatch()
            batches.append(batch)
            try codec.encode(.samples(batch), into: &stream)
        }
        var decoded: [WireMessage] = []
        while let frame = try FrameReader().next(from: &stream) {
            if let message = try codec.decode(frame, registry: &registry) { decoded.append(message) }
        }
        #expect(decoded == [.seriesDictionary(model.series)] + batches.map { .samples($0) })
    }

    @Test func auditRecordCarriesCauseCodeAndText() {
        #expect(Fixtures.audit.causeCode == 3)
        #expect(Fixtures.audit.causeText == "renewable policy 'green-v2' tier 1 at green score 0.52")
        #expect(Fixtures.audit.author == nil)
    }

    @Test func varintsAtTheirBoundaries() throws {
        for value: UInt64 in [0, 1, 127, 128, 16_383, 16_384, UInt64(UInt32.max), .max - 1, .max] {
            #expect(try WireCodec().decode(frameOf(.ack(sequence: value))) == .ack(sequence: value))
        }
        for value: Int64 in [0, -1, 1, -64, 64, .min, .max] {
            #expect(try WireCodec().decode(frameOf(.ping(sentAt: value))) == .ping(sentAt: value))
        }
    }

    private func frameOf(_ message: WireMessage) throws -> WireFrame {
        var buffer = ByteBuffer(bytes: try Fixtures.frame(message))
        return try #require(try FrameReader().next(from: &buffer))
    }
}
