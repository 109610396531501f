/// One batch of samples: shared tick timestamps and one column of values per series.
///
/// Columns rather than (series, time, value) triples: a node samples all its series at the same ticks, so the
/// timestamps are sent once and each column's neighbouring values are close, which is what the delta
/// encodings feed on.
public struct SampleBatch: Sendable, Hashable {
    /// Shared by sample and event batches of one node; the collector stores each sequence once.
    public var sequence: UInt64
    /// Milliseconds since the Unix epoch, one per tick.
    public var timestamps: [Int64]
    /// Ascending by series id; each has one entry per tick (nil: no reading at that tick).
    public var columns: [SampleColumn]

    public init(sequence: UInt64, timestamps: [Int64], columns: [SampleColumn]) {
        self.sequence = sequence
        self.timestamps = timestamps
        self.columns = columns
    }

    /// Readings present (the denominator of bytes per sample).
    public var sampleCount: Int { columns.reduce(0) { $0 + $1.values.reduce(0) { $0 + ($1 == nil ? 0 : 1) } } }
}

public struct SampleColumn: Sendable, Hashable {
    public var seriesID: UInt32
    /// Fixed-point integers, scaled as the series' dictionary entry says.
    public var values: [Int64?]

    public init(seriesID: UInt32, values: [Int64?]) {
        self.seriesID = seriesID
        self.values = values
    }
}
