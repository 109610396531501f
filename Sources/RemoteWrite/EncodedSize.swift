/// What a set of series costs on the wire as remote-write, for comparing with Greencap's own protocol.
public struct EncodedSize: Sendable, Equatable {
    public var requests: Int
    public var samples: Int
    /// The WriteRequest protobuf, before compression.
    public var protobufBytes: Int
    /// The HTTP body: snappy block format, as sent.
    public var snappyBytes: Int

    public var protobufBytesPerSample: Double { samples == 0 ? 0 : Double(protobufBytes) / Double(samples) }
    public var snappyBytesPerSample: Double { samples == 0 ? 0 : Double(snappyBytes) / Double(samples) }
}

extension EncodedSize {
    /// Encodes the series exactly as `RemoteWriteClient` would send them (validated, batched by
    /// `maximumSamplesPerRequest`, each request compressed on its own) and adds up the bodies. HTTP headers
    /// are left out: they depend on the connection reuse of the deployment, not on the encoding.
    public static func measure(_ series: [TimeSeries], maximumSamplesPerRequest: Int = RemoteWriteConfiguration.defaultMaximumSamplesPerRequest)
        throws(SeriesValidationError) -> EncodedSize
    {
        var normalized: [TimeSeries] = []
        normalized.reserveCapacity(series.count)
        for one in series { normalized.append(try SeriesValidator.normalized(one)) }
        var size = EncodedSize(requests: 0, samples: 0, protobufBytes: 0, snappyBytes: 0)
        for request in Batcher.batches(normalized, maximumSamples: maximumSamplesPerRequest) {
            let body = WriteRequestEncoder.encodeUnchecked(request)
            size.requests += 1
            size.samples += request.sampleCount
            size.protobufBytes += body.count
            size.snappyBytes += SnappyCompressor.compress(body).count
        }
        return size
    }
}
