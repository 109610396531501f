import NIOCore

/// Column mode byte bits beyond the value encoding (docs/protocol.md, "Samples").
enum ColumnMode {
    static let gapsBit: UInt8 = 0x08
    static let explicitIDBit: UInt8 = 0x10
    static let reservedBits: UInt8 = 0xE0
}

/// Writes a `SampleBatch` body: sequence, ticks, the timestamp column, then one column per series.
public struct SampleBatchEncoder: Sendable {
    public let limits: WireLimits

    public init(limits: WireLimits = .standard) { self.limits = limits }

    /// The body alone, for measuring and for tests; `WireMessageEncoder` frames it.
    public func encode(_ batch: SampleBatch) throws(WireError) -> ByteBuffer {
        var writer = PayloadWriter(
            buffer: ByteBufferAllocator().buffer(capacity: 256), type: MessageType.samples.rawValue, limits: limits)
        try encode(batch, into: &writer)
        return writer.buffer
    }

    func encode(_ batch: SampleBatch, into writer: inout PayloadWriter) throws(WireError) {
        let ticks = batch.timestamps.count
        writer.varint(batch.sequence)
        try writer.count(ticks, limit: limits.maxTicksPerBatch, "ticks")
        if ticks > 0 {
            let choice = ValueSequenceCodec.choose(batch.timestamps)
            writer.u8(choice.mode)
            ValueSequenceCodec.write(batch.timestamps, choice, into: &writer)
        }
        try writer.count(batch.columns.count, limit: limits.maxSeriesPerConnection, "columns")
        guard batch.columns.count * max(1, ticks) <= limits.maxSamplesPerBatch else {
            throw writer.error(
                .countBeyondLimit(count: UInt64(batch.columns.count * ticks), limit: limits.maxSamplesPerBatch), "samples")
        }
        var previous: Int64 = -1
        for column in batch.columns {
            guard column.values.count == ticks else {
                throw writer.error(
                    .unencodable("series \(column.seriesID) has \(column.values.count) values for \(ticks) ticks"), "values")
            }
            guard Int64(column.seriesID) > previous else { throw writer.error(.seriesNotAscending(column.seriesID), "series") }
            let present = column.values.compactMap { $0 }
            let choice = ValueSequenceCodec.choose(present)
            let gaps = present.count != ticks
            let explicit = Int64(column.seriesID) != previous + 1
            writer.u8(choice.mode | (gaps ? ColumnMode.gapsBit : 0) | (explicit ? ColumnMode.explicitIDBit : 0))
            if explicit { writer.varint(UInt64(column.seriesID)) }
            if gaps { writer.bytes(Self.bitmap(column.values)) }
            ValueSequenceCodec.write(present, choice, into: &writer)
            previous = Int64(column.seriesID)
        }
    }

    /// Bit i (least significant first) set when tick i has a value.
    static func bitmap(_ values: [Int64?]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: (values.count + 7) / 8)
        for (index, value) in values.enumerated() where value != nil { bytes[index / 8] |= 1 << UInt8(index % 8) }
        return bytes
    }
}
