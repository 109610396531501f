import NIOCore

/// One series' samples from one batch, re-encoded on their own for storage: the collector keeps a chunk per
/// series per received batch (docs/collector.md, "Storage layout") instead of a row per sample.
///
/// Layout: `varint` count n, then (if n > 0) the timestamps as a value column (mode byte + values, as in
/// docs/protocol.md "Samples"), then the values the same way. Only present samples are kept: a tick without a
/// reading has no timestamp in the chunk. The same `ValueSequenceCodec` as the wire, so 1 Hz ticks cost a few
/// bytes per chunk and values a byte or two each.
public struct SampleColumnChunk: Sendable, Hashable {
    public var timestamps: [Int64]
    public var values: [Int64]

    public init(timestamps: [Int64], values: [Int64]) {
        self.timestamps = timestamps
        self.values = values
    }

    public var count: Int { values.count }

    /// Encoded timestamps, computed once per batch and shared by every full column of it.
    public struct EncodedTimestamps: Sendable {
        let bytes: [UInt8]
        public let count: Int
    }

    public static func encodeTimestamps(_ timestamps: [Int64]) -> EncodedTimestamps {
        var writer = ByteWriter()
        writer.column(timestamps)
        return EncodedTimestamps(bytes: writer.bytes, count: timestamps.count)
    }

    /// A chunk whose values line up one to one with already encoded timestamps.
    public static func encode(values: [Int64], timestamps: EncodedTimestamps) -> [UInt8] {
        var writer = ByteWriter()
        writer.varint(UInt64(values.count))
        guard !values.isEmpty else { return writer.bytes }
        writer.bytes += timestamps.bytes
        writer.column(values)
        return writer.bytes
    }

    public func encoded() -> [UInt8] {
        SampleColumnChunk.encode(values: values, timestamps: SampleColumnChunk.encodeTimestamps(timestamps))
    }

    /// Decodes a stored chunk; never traps, whatever the bytes.
    public init(decoding bytes: [UInt8], limits: WireLimits = .standard) throws(WireError) {
        var buffer = ByteBufferAllocator().buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        var reader = PayloadReader(payload: buffer, type: 0, limits: limits, frameOffset: 0)
        let count = try reader.count("chunk.count", limit: limits.maxSamplesPerBatch, minimumElementBytes: 0)
        var timestamps: [Int64] = []
        var values: [Int64] = []
        if count > 0 {
            timestamps = try Self.readColumn(count: count, from: &reader, field: "chunk.timestamps")
            values = try Self.readColumn(count: count, from: &reader, field: "chunk.values")
        }
        try reader.finish()
        self.init(timestamps: timestamps, values: values)
    }

    private static func readColumn(count: Int, from reader: inout PayloadReader, field: String) throws(WireError) -> [Int64] {
        let at = reader.offset
        let mode = try reader.u8(field + ".mode")
        guard mode & ~(ValueSequenceCodec.zeroRunsBit | 0x03) == 0 else {
            throw reader.error(.reservedBitsSet(mode), field + ".mode", at: at)
        }
        return try ValueSequenceCodec.read(count: count, mode: mode, from: &reader, field: field)
    }
}

/// A growable byte array with the wire's varint helpers, for encoders that do not need a frame.
private struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    mutating func column(_ values: [Int64]) {
        guard !values.isEmpty else { return }
        let choice = ValueSequenceCodec.choose(values)
        var writer = PayloadWriter(
            buffer: ByteBufferAllocator().buffer(capacity: values.count * 2 + 8), type: 0, limits: .standard)
        writer.u8(choice.mode)
        ValueSequenceCodec.write(values, choice, into: &writer)
        bytes += writer.buffer.readableBytesView
    }
}
