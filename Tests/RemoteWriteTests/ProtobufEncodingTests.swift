import Testing

@testable import RemoteWrite

/// The WriteRequest bytes against a hand-assembled vector, then round trips and the spec's rules.
@Suite struct ProtobufEncodingTests {
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }

    @Test func knownVector() throws {
        let request = WriteRequest(timeseries: [
            TimeSeries(labels: [Label("job", "a"), Label("__name__", "up")], samples: [Sample(value: 1.0, timestamp: 1000)])
        ])
        // 0a28: series (40 bytes); 0a0e label __name__=up; 0a08 label job=a (sorted after __name__);
        // 120c sample: 09 + double 1.0 little-endian, 10 + varint 1000.
        let expected =
            "0a28" + "0a0e" + "0a085f5f6e616d655f5f" + "12027570" + "0a08" + "0a036a6f62" + "120161"
            + "120c" + "09000000000000f03f" + "10e807"
        #expect(Self.hex(try WriteRequestEncoder.encode(request)) == expected)
    }

    @Test func defaultsAreLeftOutAsInProto3() throws {
        let zero = TimeSeries(labels: [Label("__name__", "m")], samples: [Sample(value: 0, timestamp: 0)])
        let bytes = try WriteRequestEncoder.encode(WriteRequest(timeseries: [zero]))
        // The sample is an empty message (12 00): value 0 and timestamp 0 are proto3 defaults.
        #expect(Self.hex(bytes) == "0a11" + "0a0d" + "0a085f5f6e616d655f5f" + "12016d" + "1200")
        let decoded = try WriteRequestDecoder.decode(bytes)
        #expect(decoded.timeseries[0].samples == [Sample(value: 0, timestamp: 0)])
        // Negative zero is not the default and must survive.
        let negative = TimeSeries(labels: [Label("__name__", "m")], samples: [Sample(value: -0.0, timestamp: 5)])
        let back = try WriteRequestDecoder.decode(WriteRequestEncoder.encode(WriteRequest(timeseries: [negative])))
        #expect(back.timeseries[0].samples[0].value.sign == .minus)
    }

    @Test func roundTripKeepsEveryValue() throws {
        let values: [Double] = [0.1, -1e300, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .infinity, -.infinity, .nan, 700.25]
        let timestamps: [Int64] = [-5_000, -1, 1, 127, 128, 1_700_000_000_123, Int64.max - 10, Int64.max]
        let series = TimeSeries(
            labels: [Label("__name__", "greencap_gpu_power_watts"), Label("gpu", "3"), Label("node", "노드-1 \"q\"")],
            samples: zip(values, timestamps).map { Sample(value: $0, timestamp: $1) })
        let other = TimeSeries(labels: [Label("__name__", "b")], samples: [Sample(value: 2, timestamp: 2)])
        let request = WriteRequest(timeseries: [series, other])
        let decoded = try WriteRequestDecoder.decode(WriteRequestEncoder.encode(request))
        #expect(decoded == request)
        #expect(decoded.sampleCount == 9)
    }

    @Test func labelsAreSortedAndEmptyValuesDropped() throws {
        let series = TimeSeries(
            labels: [Label("rack", "r1"), Label("site", "yeosu"), Label("__name__", "m"), Label("gpu", ""), Label("Zeta", "z")],
            samples: [Sample(value: 1, timestamp: 1)])
        let decoded = try WriteRequestDecoder.decode(WriteRequestEncoder.encode(WriteRequest(timeseries: [series])))
        #expect(decoded.timeseries[0].labels.map(\.name) == ["Zeta", "__name__", "rack", "site"])
    }

    @Test func validationRefusesWhatTheSpecForbids() {
        func check(_ labels: [Label], samples: [Sample] = [Sample(value: 1, timestamp: 1)], _ expected: SeriesValidationError) {
            #expect(throws: expected) { try SeriesValidator.normalized(TimeSeries(labels: labels, samples: samples)) }
        }
        check([Label("job", "a")], .missingMetricName(labels: [Label("job", "a")]))
        check([Label("__name__", "")], .missingMetricName(labels: [Label("__name__", "")]))
        check([Label("__name__", "9lives")], .invalidMetricName("9lives"))
        check([Label("__name__", "a-b")], .invalidMetricName("a-b"))
        check([Label("__name__", "m"), Label("gpu-id", "1")], .invalidLabelName(metric: "m", name: "gpu-id"))
        check([Label("__name__", "m"), Label("rule:x", "1")], .invalidLabelName(metric: "m", name: "rule:x"))
        check([Label("__name__", "m"), Label("", "1")], .invalidLabelName(metric: "m", name: ""))
        check([Label("__name__", "m"), Label("gpu", "1"), Label("gpu", "2")], .duplicateLabelName(metric: "m", name: "gpu"))
        check([Label("__name__", "m")], samples: [], .noSamples(metric: "m"))
        check(
            [Label("__name__", "m")], samples: [Sample(value: 1, timestamp: 10), Sample(value: 1, timestamp: 20), Sample(value: 1, timestamp: 15)],
            .timestampsNotAscending(metric: "m", index: 2, previous: 20, timestamp: 15))
        check(
            [Label("__name__", "m")], samples: [Sample(value: 1, timestamp: 10), Sample(value: 2, timestamp: 10)],
            .timestampsNotAscending(metric: "m", index: 1, previous: 10, timestamp: 10))
        #expect(SeriesValidator.isMetricName("job:requests:rate5m"))
        #expect(SeriesValidator.isLabelName("_private9"))
    }

    @Test func decoderRefusesMalformedInput() {
        // Offsets are positions in the whole buffer: here the length that promises more than there is.
        #expect(throws: ProtobufDecodingError.truncated(offset: 1)) { try WriteRequestDecoder.decode([0x0A, 0x05, 0x0A]) }
        #expect(throws: ProtobufDecodingError.unsupportedWireType(3, offset: 0)) { try WriteRequestDecoder.decode([0x0B]) }
        #expect(throws: ProtobufDecodingError.varintTooLong(offset: 0)) { try WriteRequestDecoder.decode(Array(repeating: 0xFF, count: 11)) }
        #expect(throws: ProtobufDecodingError.wrongWireType(field: 1, wireType: 0, offset: 0)) { try WriteRequestDecoder.decode([0x08, 0x01]) }
        // A label whose name is not UTF-8.
        #expect(throws: ProtobufDecodingError.invalidUTF8(offset: 5)) { try WriteRequestDecoder.decode([0x0A, 0x05, 0x0A, 0x03, 0x0A, 0x01, 0xFF]) }
        // Unknown fields (WriteRequest's reserved metadata field 3) are skipped.
        #expect((try? WriteRequestDecoder.decode([0x1A, 0x02, 0x08, 0x01])) == WriteRequest(timeseries: []))
        // Random bytes never crash the decoder.
        var generator = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            let bytes = (0..<Int(generator.next() % 40)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            _ = try? WriteRequestDecoder.decode(bytes)
        }
    }
}

/// A small deterministic generator, so a failing random case can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
