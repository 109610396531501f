import NIOCore

/// Reads a `SampleBatch` body, refusing counts beyond the limits before it allocates and series the
/// connection has not defined.
public struct SampleBatchDecoder: Sendable {
    public let limits: WireLimits

    public init(limits: WireLimits = .standard) { self.limits = limits }

    /// Decodes a body written by `SampleBatchEncoder`; with a registry, every series must be defined in it.
    public func decode(_ body: ByteBuffer, registry: SeriesRegistry? = nil) throws(WireError) -> SampleBatch {
        var reader = PayloadReader(payload: body, type: MessageType.samples.rawValue, limits: limits)
        let batch = try decode(from: &reader, registry: registry)
        try reader.finish()
        return batch
    }

    func decode(from reader: inout PayloadReader, registry: SeriesRegistry?) throws(WireError) -> SampleBatch {
        let sequence = try reader.varint("sequence")
        let ticks = try reader.count("ticks", limit: limits.maxTicksPerBatch, minimumElementBytes: 0)
        var timestamps: [Int64] = []
        if ticks > 0 {
            let at = reader.offset
            let mode = try reader.u8("timestamps.mode")
            guard mode & ~(ValueSequenceCodec.zeroRunsBit | 0x03) == 0 else {
                throw reader.error(.reservedBitsSet(mode & ~(ValueSequenceCodec.zeroRunsBit | 0x03)), "timestamps.mode", at: at)
            }
            timestamps = try ValueSequenceCodec.read(count: ticks, mode: mode, from: &reader, field: "timestamps")
        }
        let countAt = reader.offset
        let columnCount = try reader.count("columns", limit: limits.maxSeriesPerConnection)
        guard columnCount * max(1, ticks) <= limits.maxSamplesPerBatch else {
            throw reader.error(
                .countBeyondLimit(count: UInt64(columnCount * ticks), limit: limits.maxSamplesPerBatch), "samples", at: countAt)
        }
        var columns: [SampleColumn] = []
        columns.reserveCapacity(columnCount)
        var previous: Int64 = -1
        for _ in 0..<columnCount {
            let modeAt = reader.offset
            let mode = try reader.u8("column.mode")
            guard mode & ColumnMode.reservedBits == 0 else {
                throw reader.error(.reservedBitsSet(mode & ColumnMode.reservedBits), "column.mode", at: modeAt)
            }
            let idAt = reader.offset
            let id: UInt32
            if mode & ColumnMode.explicitIDBit != 0 {
                id = try reader.uint32("column.series")
            } else {
                guard let next = UInt32(exactly: previous + 1) else {
                    throw reader.error(.valueOutOfRange(UInt64(previous + 1)), "column.series", at: idAt)
                }
                id = next
            }
            guard Int64(id) > previous else { throw reader.error(.seriesNotAscending(id), "column.series", at: idAt) }
            if let registry, !registry.contains(id) { throw reader.error(.unknownSeries(id), "column.series", at: idAt) }
            previous = Int64(id)

            var present = [Bool](repeating: true, count: ticks)
            var presentCount = ticks
            if mode & ColumnMode.gapsBit != 0 {
                let bitmapAt = reader.offset
                let bitmap = try reader.bytes((ticks + 7) / 8, "column.present")
                presentCount = 0
                for tick in 0..<ticks {
                    present[tick] = bitmap[tick / 8] & (1 << UInt8(tick % 8)) != 0
                    if present[tick] { presentCount += 1 }
                }
                if ticks % 8 != 0, let last = bitmap.last, last >> UInt8(ticks % 8) != 0 {
                    throw reader.error(.reservedBitsSet(last >> UInt8(ticks % 8)), "column.present", at: bitmapAt + bitmap.count - 1)
                }
            }
            let values = try ValueSequenceCodec.read(count: presentCount, mode: mode, from: &reader, field: "column.values")
            var column: [Int64?] = []
            column.reserveCapacity(ticks)
            var next = 0
            for tick in 0..<ticks {
                if present[tick] {
                    column.append(values[next])
                    next += 1
                } else {
                    column.append(nil)
                }
            }
            columns.append(SampleColumn(seriesID: id, values: column))
        }
        return SampleBatch(sequence: sequence, timestamps: timestamps, columns: columns)
    }
}
