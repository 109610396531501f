import Testing

@testable import RemoteWrite

/// The size helper for the protocol benchmark, on a fleet shaped like a Greencap site.
@Suite struct EncodedSizeTests {
    /// `nodes` nodes of 8 GPUs, one power series per GPU, a sample a second from a fixed start, values with
    /// 0.1 W resolution like NVML's milliwatt readings rounded.
    static func fleet(nodes: Int, samplesPerSeries: Int, start: Int64 = 1_760_000_000_000) -> WriteRequest {
        var generator = SplitMix64(seed: 99)
        var series: [TimeSeries] = []
        for node in 0..<nodes {
            for gpu in 0..<8 {
                let location = GreencapLocation(site: "yeosu", row: "r\(node / 8)", rack: "k\(node / 4)", node: "gpu-node-\(node)", gpu: "\(gpu)")
                let labels = GreencapSeries.labels(
                    metric: GreencapSeries.metricName(subsystem: "gpu", quantity: "power", unit: "watts"), location: location)
                let samples = (0..<samplesPerSeries).map { index in
                    Sample(value: Double(3000 + Int(generator.next() % 4000)) / 10, timestamp: start + Int64(index) * 1000)
                }
                series.append(TimeSeries(labels: labels, samples: samples))
            }
        }
        return WriteRequest(timeseries: series)
    }

    @Test func measuresAFleet() throws {
        let minute = Self.fleet(nodes: 16, samplesPerSeries: 60)
        let size = try EncodedSize.measure(minute.timeseries)
        // 128 series × 60 samples in requests of 2000: 4 requests (the last holds 1680).
        #expect(size.samples == 7680)
        #expect(size.requests == 4)
        #expect(size.snappyBytes < size.protobufBytes)
        // Encoded by hand: each request repeats a series' labels once per piece.
        let direct = try Batcher.batches(minute.timeseries, maximumSamples: 2000).map { try WriteRequestEncoder.encode($0).count }
        #expect(size.protobufBytes == direct.reduce(0, +))
        let single = try EncodedSize.measure(Self.fleet(nodes: 16, samplesPerSeries: 1).timeseries)
        print("remote-write size, 128 GPU series × 60 samples: \(size.protobufBytes) B protobuf, \(size.snappyBytes) B snappy, "
            + "\(format(size.protobufBytesPerSample)) / \(format(size.snappyBytesPerSample)) B per sample")
        print("remote-write size, 128 GPU series × 1 sample: \(single.protobufBytes) B protobuf, \(single.snappyBytes) B snappy, "
            + "\(format(single.protobufBytesPerSample)) / \(format(single.snappyBytesPerSample)) B per sample")
        // Every sample costs at least its double and tag (9 B) plus a timestamp and framing before compression.
        #expect(size.protobufBytesPerSample > 15)
        #expect(single.protobufBytesPerSample > 80)  // labels dominate when a series carries one sample
    }

    @Test func emptyInputCostsNothing() throws {
        #expect(try EncodedSize.measure([]) == EncodedSize(requests: 0, samples: 0, protobufBytes: 0, snappyBytes: 0))
    }

    @Test func invalidSeriesAreReported() {
        #expect(throws: SeriesValidationError.noSamples(metric: "m")) {
            try EncodedSize.measure([TimeSeries(labels: [Label("__name__", "m")], samples: [])])
        }
    }

    @Test func greencapConvention() {
        let labels = GreencapSeries.labels(
            metric: "greencap_gpu_power_watts", location: GreencapLocation(site: "s", rack: "k1", node: "n1", gpu: "0"),
            extra: [Label("board", "h100")])
        #expect(labels.map(\.name) == ["__name__", "board", "gpu", "node", "rack", "site"])
        #expect(GreencapSeries.metricName(subsystem: "node", quantity: "energy", unit: "joules_total") == "greencap_node_energy_joules_total")
    }

    private func format(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
