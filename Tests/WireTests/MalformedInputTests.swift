import NIOCore
import Testing
@testable import Wire

/// Each kind of bad input gets its own typed error, naming where it is.
@Suite struct MalformedInputTests {
    /// Frames off a stream through a connection's registry, as the channel decoder does.
    static func decode(_ bytes: [UInt8], limits: WireLimits = .standard, dictionary: [SeriesDefinition] = []) throws(WireError) -> [WireMessage] {
        var buffer = ByteBuffer(bytes: bytes)
        let reader = FrameReader(limits: limits)
        let codec = WireCodec(limits: limits)
        var registry = SeriesRegistry(limit: limits.maxSeriesPerConnection)
        try registry.add(dictionary)
        var messages: [WireMessage] = []
        while let frame = try reader.next(from: &buffer) {
            if let message = try codec.decode(frame, registry: &registry) { messages.append(message) }
        }
        return messages
    }

    private func problem(_ bytes: [UInt8], limits: WireLimits = .standard, dictionary: [SeriesDefinition] = []) -> WireError? {
        do throws(WireError) {
            _ = try Self.decode(bytes, limits: limits, dictionary: dictionary)
            return nil
        } catch {
            return error
        }
    }

    @Test func garbageIsBadMagicAtTheFirstByte() {
        #expect(problem([0x00]) == WireError(.badMagic(0), offset: 0))
        #expect(problem(Array("GET / HTTP/1.1\r\n".utf8)) == WireError(.badMagic(0x4745), offset: 0))
    }

    @Test func truncatedStreamYieldsNothingYet() throws {
        let bytes = try Fixtures.frame(.ping(sentAt: 5))
        for length in 0..<bytes.count { #expect(try Self.decode(Array(bytes[..<length])) == []) }
    }

    /// Nine header bytes are enough to refuse: the body is never waited for, let alone buffered.
    @Test func oversizedLengthIsRefusedFromTheHeader() {
        let header: [UInt8] = [0x47, 0x43, 0x01, 0x30, 0x00, 0x00, 0x10, 0x00, 0x01]
        #expect(
            problem(header) == WireError(.frameTooLarge(length: 0x100001, limit: 1 << 20), messageType: 0x30, field: "length", offset: 5))
        let small = WireLimits(maxFrameBytes: 16)
        #expect(problem([0x47, 0x43, 0x01, 0x30, 0x00, 0x00, 0x00, 0x00, 0x11], limits: small)?.problem == .frameTooLarge(length: 17, limit: 16))
    }

    @Test func wrongChecksum() throws {
        var bytes = try Fixtures.frame(.ping(sentAt: 5))
        bytes[bytes.count - 1] ^= 0x01
        guard case .checksumMismatch = problem(bytes)?.problem else {
            Issue.record("expected a checksum mismatch")
            return
        }
        var body = try Fixtures.frame(.ping(sentAt: 5))
        body[9] ^= 0x04
        #expect(problem(body)?.field == "crc32c")
    }

    @Test func wrongVersionAndUnknownFlags() throws {
        #expect(problem(try Fixtures.frame(type: 0x30, body: [0], version: 2))?.problem == .unsupportedVersion(2))
        #expect(problem(try Fixtures.frame(type: 0x30, body: [0], version: 0))?.problem == .unsupportedVersion(0))
        #expect(problem(try Fixtures.frame(type: 0x30, body: [0], flags: 0x01))?.problem == .unknownFlags(0x01))
        // High-nibble flags may be ignored.
        #expect(try Self.decode(try Fixtures.frame(type: 0x30, body: [0], flags: 0x80)) == [.ping(sentAt: 0)])
    }

    @Test func unknownTypesRefusedBelow0x80AndSkippedAbove() throws {
        #expect(problem(try Fixtures.frame(type: 0x05, body: [])) == WireError(.unknownMessageType(0x05), messageType: 5, field: "type", offset: 3))
        let skipped = try Fixtures.frame(type: 0x90, body: [1, 2, 3]) + Fixtures.frame(.ack(sequence: 3))
        #expect(try Self.decode(skipped) == [.ack(sequence: 3)])
    }

    @Test func varintOverflow() throws {
        let eleven = [UInt8](repeating: 0xFF, count: 10) + [0x01]
        #expect(problem(try Fixtures.frame(type: 0x13, body: eleven)) == WireError(.varintOverflow, messageType: 0x13, field: "sequence", offset: 9))
        let tenthTooBig = [UInt8](repeating: 0xFF, count: 9) + [0x02]
        #expect(problem(try Fixtures.frame(type: 0x13, body: tenthTooBig))?.problem == .varintOverflow)
        let maximum = [UInt8](repeating: 0xFF, count: 9) + [0x01]
        #expect(try Self.decode(try Fixtures.frame(type: 0x13, body: maximum)) == [.ack(sequence: .max)])
    }

    @Test func truncatedAndTrailingBodies() throws {
        #expect(problem(try Fixtures.frame(type: 0x13, body: [0x80]))?.problem == .truncated(needed: 1, available: 0))
        #expect(problem(try Fixtures.frame(type: 0x13, body: [0x01, 0x00])) == WireError(.trailingBytes(1), messageType: 0x13, field: "end", offset: 10))
        #expect(problem(try Fixtures.frame(type: 0x03, body: [UInt8](repeating: 0, count: 31)))?.field == "proof")
    }

    @Test func seriesNotInTheDictionary() throws {
        let bytes = try Fixtures.frame(.samples(Fixtures.samples))
        let error = problem(bytes, dictionary: Array(Fixtures.dictionary.prefix(2)))
        #expect(error?.problem == .unknownSeries(5))
        #expect(error?.field == "column.series")
        #expect(try Self.decode(bytes, dictionary: Fixtures.dictionary) == [.samples(Fixtures.samples)])
        // Defined in the same stream first: accepted.
        #expect(try Self.decode(try Fixtures.frame(.seriesDictionary(Fixtures.dictionary)) + bytes).count == 2)
    }

    @Test func seriesRedefinedOrBeyondTheConnectionLimit() throws {
        var changed = Fixtures.dictionary
        changed[0].unit = "kW"
        let bytes = try Fixtures.frame(.seriesDictionary(Fixtures.dictionary)) + Fixtures.frame(.seriesDictionary(changed))
        #expect(problem(bytes)?.problem == .seriesRedefined(0))
        // Resending unchanged is fine.
        #expect(try Self.decode(try Fixtures.frame(.seriesDictionary(Fixtures.dictionary)) + Fixtures.frame(.seriesDictionary(Fixtures.dictionary))).count == 2)
        let limits = WireLimits(maxSeriesPerConnection: 2)
        #expect(problem(try Fixtures.frame(.seriesDictionary(Fixtures.dictionary)), limits: limits)?.problem == .countBeyondLimit(count: 3, limit: 2))
    }

    /// Counts are refused before anything is allocated for them.
    @Test func countsBeyondLimits() throws {
        // 2^32 events claimed in a four-byte body.
        #expect(problem(try Fixtures.frame(type: 0x12, body: [0x01, 0x80, 0x80, 0x80, 0x80, 0x10]))?.problem == .countBeyondLimit(count: 1 << 32, limit: 16_384))
        // Within the limit but more than the bytes left could hold.
        #expect(problem(try Fixtures.frame(type: 0x12, body: [0x01, 0x64]))?.problem == .truncated(needed: 200, available: 0))
        // 3601 ticks.
        #expect(problem(try Fixtures.frame(type: 0x11, body: [0x01, 0x91, 0x1C]))?.problem == .countBeyondLimit(count: 3601, limit: 3600))
        // 3600 ticks × 100 columns, each column two bytes: expands 1800-fold, refused by the sample limit.
        let body: [UInt8] = [0x01, 0x90, 0x1C, 0x00, 0x00, 0x64] + [UInt8](repeating: 0x00, count: 200)
        let expanded = problem(try Fixtures.frame(type: 0x11, body: body))
        #expect(expanded?.problem == .countBeyondLimit(count: 360_000, limit: 262_144), "\(String(describing: expanded))")
        // A string longer than the limit, refused from its length.
        #expect(problem(try Fixtures.frame(type: 0x3F, body: [0x00, 0x81, 0x08]))?.problem == .stringTooLong(length: 1025, limit: 1024))
    }

    @Test func invalidUTF8AndUnknownCodes() throws {
        #expect(problem(try Fixtures.frame(type: 0x3F, body: [0x00, 0x02, 0xC3, 0x28]))?.problem == .invalidUTF8)
        #expect(problem(try Fixtures.frame(type: 0x21, body: [0x01, 0x41, 0x07]))?.problem == .unknownCode(7))
        // Column mode with a reserved bit.
        #expect(problem(try Fixtures.frame(type: 0x11, body: [0x01, 0x01, 0x00, 0x00, 0x01, 0x20, 0x00]), dictionary: Fixtures.dictionary)?.problem == .reservedBitsSet(0x20))
        // A zero run longer than the column.
        let run: [UInt8] = [0x01, 0x03, 0x00, 0x00, 0x01, 0x05, 0x02, 0x00, 0x05]
        let overrun = problem(try Fixtures.frame(type: 0x11, body: run), dictionary: Fixtures.dictionary)
        #expect(overrun?.field == "column.values.zero-run", "\(String(describing: overrun))")
    }

    @Test func encoderRefusesWhatTheDecoderWould() {
        let ragged = SampleBatch(sequence: 1, timestamps: [1, 2], columns: [SampleColumn(seriesID: 0, values: [1])])
        #expect(throws: WireError.self) { try WireCodec().encode(.samples(ragged)) }
        let descending = SampleBatch(sequence: 1, timestamps: [1], columns: [.init(seriesID: 2, values: [1]), .init(seriesID: 1, values: [1])])
        #expect(throws: WireError(.seriesNotAscending(1), messageType: 0x11, field: "series")) { try WireCodec().encode(.samples(descending)) }
        let long = WireMessage.close(.init(code: .normal, reason: String(repeating: "x", count: 2000)))
        #expect(throws: WireError(.stringTooLong(length: 2000, limit: 1024), messageType: 0x3F, field: "reason")) { try WireCodec().encode(long) }
    }

    @Test func errorsSayWhatAndWhere() {
        let error = WireError(.unknownSeries(5), messageType: 0x11, field: "column.series", offset: 40)
        #expect(error.description == "samples, field 'column.series', offset 40: series 5 is not in this connection's dictionary")
    }
}
