/// prompb.WriteRequest to protobuf bytes, by hand: four messages do not justify a code generator and a
/// runtime library. Proto3 rules apply: fields at their default value (empty string, 0, +0.0) are left out,
/// so the bytes match what Prometheus' own senders produce for the same series.
public enum WriteRequestEncoder {
    // Field numbers from prompb/types.proto and prompb/remote.proto.
    static let writeRequestTimeseries: UInt32 = 1
    static let seriesLabels: UInt32 = 1
    static let seriesSamples: UInt32 = 2
    static let labelName: UInt32 = 1
    static let labelValue: UInt32 = 2
    static let sampleValue: UInt32 = 1
    static let sampleTimestamp: UInt32 = 2

    /// Validates and normalizes every series (see `SeriesValidator`), then encodes.
    public static func encode(_ request: WriteRequest) throws(SeriesValidationError) -> [UInt8] {
        var normalized: [TimeSeries] = []
        normalized.reserveCapacity(request.timeseries.count)
        for series in request.timeseries { normalized.append(try SeriesValidator.normalized(series)) }
        return encodeUnchecked(WriteRequest(timeseries: normalized))
    }

    /// Encodes exactly what it is given, valid or not: the tests use it to send what a receiver must refuse.
    public static func encodeUnchecked(_ request: WriteRequest) -> [UInt8] {
        let seriesSizes = request.timeseries.map(size(of:))
        let total = seriesSizes.reduce(0) { $0 + ProtobufSize.lengthDelimited($1) }
        var writer = ProtobufWriter(capacity: total)
        for (series, size) in zip(request.timeseries, seriesSizes) {
            writer.tag(writeRequestTimeseries, .lengthDelimited)
            writer.varint(UInt64(size))
            write(series, into: &writer)
        }
        return writer.bytes
    }

    private static func write(_ series: TimeSeries, into writer: inout ProtobufWriter) {
        for label in series.labels {
            writer.tag(seriesLabels, .lengthDelimited)
            writer.varint(UInt64(size(of: label)))
            if !label.name.isEmpty { writer.string(labelName, label.name) }
            if !label.value.isEmpty { writer.string(labelValue, label.value) }
        }
        for sample in series.samples {
            writer.tag(seriesSamples, .lengthDelimited)
            writer.varint(UInt64(size(of: sample)))
            if sample.value.bitPattern != 0 {
                writer.tag(sampleValue, .fixed64)
                writer.fixed64(sample.value.bitPattern)
            }
            if sample.timestamp != 0 {
                writer.tag(sampleTimestamp, .varint)
                // int64 (not sint64): negative values take ten bytes, as in every other encoder.
                writer.varint(UInt64(bitPattern: sample.timestamp))
            }
        }
    }

    static func size(of series: TimeSeries) -> Int {
        var total = 0
        for label in series.labels { total += ProtobufSize.lengthDelimited(size(of: label)) }
        for sample in series.samples { total += ProtobufSize.lengthDelimited(size(of: sample)) }
        return total
    }

    static func size(of label: Label) -> Int {
        (label.name.isEmpty ? 0 : ProtobufSize.lengthDelimited(label.name.utf8.count))
            + (label.value.isEmpty ? 0 : ProtobufSize.lengthDelimited(label.value.utf8.count))
    }

    static func size(of sample: Sample) -> Int {
        (sample.value.bitPattern == 0 ? 0 : 9)
            + (sample.timestamp == 0 ? 0 : 1 + ProtobufSize.varint(UInt64(bitPattern: sample.timestamp)))
    }
}
