/// Splits series into requests of at most `maximumSamples` samples. Receivers cap request size and a
/// smaller request loses less when it fails; a series longer than the limit is cut into consecutive pieces
/// that go out in order, so each request still holds ascending timestamps per series.
public enum Batcher {
    /// Series keep their order and their labels; empty series are dropped (they carry nothing to store).
    public static func batches(_ series: [TimeSeries], maximumSamples: Int) -> [WriteRequest] {
        let limit = max(1, maximumSamples)
        var requests: [WriteRequest] = []
        var current: [TimeSeries] = []
        var room = limit
        for one in series {
            var rest = one.samples[...]
            while !rest.isEmpty {
                let taken = rest.prefix(room)
                current.append(TimeSeries(labels: one.labels, samples: Array(taken)))
                rest = rest.dropFirst(taken.count)
                room -= taken.count
                if room == 0 {
                    requests.append(WriteRequest(timeseries: current))
                    current = []
                    room = limit
                }
            }
        }
        if !current.isEmpty { requests.append(WriteRequest(timeseries: current)) }
        return requests
    }
}
