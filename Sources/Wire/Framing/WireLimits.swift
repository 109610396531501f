/// Every bound the decoder checks before it allocates, so a peer (or a corrupted frame) can make it refuse
/// input but never make it reserve memory in proportion to a number it merely claimed.
public struct WireLimits: Sendable, Hashable {
    /// Frame body bytes; checked from the header, before the body is buffered.
    public var maxFrameBytes: Int
    /// Distinct series one connection may define.
    public var maxSeriesPerConnection: Int
    /// Bytes of any one string (ids, names, reasons).
    public var maxStringBytes: Int
    /// Elements of any list: events in a batch, rules, shares, tiers, labels, dictionary entries.
    public var maxBatchCount: Int
    /// Ticks in one sample batch.
    public var maxTicksPerBatch: Int
    /// Ticks × series in one sample batch: a constant column costs two bytes on the wire but a value per tick
    /// once decoded, so this bounds the expansion.
    public var maxSamplesPerBatch: Int

    public init(
        maxFrameBytes: Int = 1 << 20, maxSeriesPerConnection: Int = 16_384, maxStringBytes: Int = 1024,
        maxBatchCount: Int = 16_384, maxTicksPerBatch: Int = 3600, maxSamplesPerBatch: Int = 262_144
    ) {
        self.maxFrameBytes = maxFrameBytes
        self.maxSeriesPerConnection = maxSeriesPerConnection
        self.maxStringBytes = maxStringBytes
        self.maxBatchCount = maxBatchCount
        self.maxTicksPerBatch = maxTicksPerBatch
        self.maxSamplesPerBatch = maxSamplesPerBatch
    }

    public static let standard = WireLimits()
}
