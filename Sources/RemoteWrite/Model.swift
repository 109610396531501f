/// One label of a series. Label values are any UTF-8; names are checked by `SeriesValidator`.
public struct Label: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// The label Prometheus stores the metric name under.
    public static let metricName = "__name__"
}

/// One float sample. Timestamps are milliseconds since the Unix epoch, as remote-write counts them.
public struct Sample: Sendable, Equatable {
    public var value: Double
    public var timestamp: Int64

    public init(value: Double, timestamp: Int64) {
        self.value = value
        self.timestamp = timestamp
    }

    /// Bitwise equality, so NaN (Prometheus' stale marker is one) compares equal to itself in tests.
    public static func == (lhs: Sample, rhs: Sample) -> Bool {
        lhs.value.bitPattern == rhs.value.bitPattern && lhs.timestamp == rhs.timestamp
    }
}

/// A series and some of its samples: prompb.TimeSeries without exemplars and histograms, which
/// remote-write 1.0 leaves out.
public struct TimeSeries: Sendable, Equatable {
    public var labels: [Label]
    public var samples: [Sample]

    public init(labels: [Label], samples: [Sample]) {
        self.labels = labels
        self.samples = samples
    }

    /// The `__name__` value, or "" when there is none: only for messages.
    public var metricName: String {
        labels.first { $0.name == Label.metricName }?.value ?? ""
    }
}

/// prompb.WriteRequest as remote-write 1.0 defines it: series only (fields 2 and 3 are reserved).
public struct WriteRequest: Sendable, Equatable {
    public var timeseries: [TimeSeries]

    public init(timeseries: [TimeSeries]) {
        self.timeseries = timeseries
    }

    public var sampleCount: Int { timeseries.reduce(0) { $0 + $1.samples.count } }
}
