import RemoteWrite
import Wire

/// The same model stream as Prometheus remote-write would carry it: one request per batch (what an agent
/// pushing straight to a TSDB every 10 s would send), metric names and labels as docs/remote-write.md proposes.
enum WireRemoteWriteSize {
    static func measure(batches: Int, ticks: Int, seed: UInt64) throws -> (samples: Int, protobufBytes: Int, snappyBytes: Int) {
        var model = NodeStreamModel(seed: seed)
        let definitions = Dictionary(uniqueKeysWithValues: model.series.map { ($0.id, $0) })
        var total = (samples: 0, protobufBytes: 0, snappyBytes: 0)
        for _ in 0..<batches {
            let batch = model.nextBatch(ticks: ticks)
            var series: [TimeSeries] = []
            for column in batch.columns {
                guard let definition = definitions[column.seriesID] else { continue }
                var scale = 1.0
                for _ in 0..<max(0, Int(definition.decimals)) { scale *= 10 }
                let samples = zip(batch.timestamps, column.values).compactMap { time, value in
                    value.map { Sample(value: Double($0) / scale, timestamp: time) }
                }
                let labels = [Label("__name__", "greencap_" + definition.metric), Label("node", "gj-a01-r03-n07")]
                    + definition.labels.map { Label($0.name, $0.value) }
                series.append(TimeSeries(labels: labels, samples: samples))
            }
            let size = try EncodedSize.measure(series, maximumSamplesPerRequest: 100_000)
            total.samples += size.samples
            total.protobufBytes += size.protobufBytes
            total.snappyBytes += size.snappyBytes
        }
        return total
    }
}
