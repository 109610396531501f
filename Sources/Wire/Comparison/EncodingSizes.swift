import NIOCore

/// Bytes per sample of the model stream in each encoding, measured over whole batches.
public struct EncodingSizes: Sendable, Hashable {
    public var batches: Int
    public var samples: Int
    /// Sample frames, headers and checksums included.
    public var wireBytes: Int
    /// The series dictionary frame, sent once per connection.
    public var dictionaryBytes: Int
    public var jsonBytes: Int
    public var influxBytes: Int

    public var wirePerSample: Double { Double(wireBytes) / Double(max(1, samples)) }
    /// With the dictionary's cost spread over the measured batches.
    public var wireWithDictionaryPerSample: Double { Double(wireBytes + dictionaryBytes) / Double(max(1, samples)) }
    public var jsonPerSample: Double { Double(jsonBytes) / Double(max(1, samples)) }
    public var influxPerSample: Double { Double(influxBytes) / Double(max(1, samples)) }

    /// `batches` batches of `ticks` ticks from `NodeStreamModel(seed:)`.
    public static func measure(batches: Int, ticks: Int = 10, seed: UInt64 = 1) throws(WireError) -> EncodingSizes {
        var model = NodeStreamModel(seed: seed)
        let codec = WireCodec()
        let dictionary = Dictionary(uniqueKeysWithValues: model.series.map { ($0.id, $0) })
        var sizes = EncodingSizes(
            batches: batches, samples: 0, wireBytes: 0,
            dictionaryBytes: try codec.encode(.seriesDictionary(model.series)).readableBytes, jsonBytes: 0, influxBytes: 0)
        for _ in 0..<batches {
            let batch = model.nextBatch(ticks: ticks)
            sizes.samples += batch.sampleCount
            sizes.wireBytes += try codec.encode(.samples(batch)).readableBytes
            sizes.jsonBytes += TextEncodings.json(batch, dictionary: dictionary).utf8.count
            sizes.influxBytes += TextEncodings.influxLines(batch, dictionary: dictionary).utf8.count
        }
        return sizes
    }
}
