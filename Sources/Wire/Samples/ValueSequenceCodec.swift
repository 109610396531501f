/// One run of integers as a first value plus residuals: constant, deltas, or deltas of deltas, each with or
/// without zero runs, whichever is shortest for these values.
///
/// Power readings jitter around a level (deltas are small), energy counters climb at a near-steady rate
/// (deltas of deltas are small), clocks and limits sit still (constant, or zero runs between rare steps).
/// Trying all five on a ten-value column costs microseconds; picking one per series by hand would be wrong
/// whenever a GPU changes what it is doing.
enum ValueSequenceCodec {
    /// Bits 0–1 of a column's mode byte.
    enum Order: UInt8 {
        case constant = 0
        case delta = 1
        case deltaOfDelta = 2
    }

    /// Bit 2 of a column's mode byte: zero residuals are written as runs.
    static let zeroRunsBit: UInt8 = 0x04

    struct Choice: Equatable {
        var order: Order
        var zeroRuns: Bool
        var mode: UInt8 { order.rawValue | (zeroRuns ? zeroRunsBit : 0) }
    }

    static func choose(_ values: [Int64]) -> Choice {
        guard let first = values.first else { return Choice(order: .constant, zeroRuns: false) }
        if values.allSatisfy({ $0 == first }) { return Choice(order: .constant, zeroRuns: false) }
        var best = Choice(order: .delta, zeroRuns: false)
        var bestSize = Int.max
        for order in [Order.delta, .deltaOfDelta] {
            let stream = residuals(values, order: order)
            for zeroRuns in [false, true] {
                let size = zeroRuns ? runSize(stream) : plainSize(stream)
                if size < bestSize {
                    bestSize = size
                    best = Choice(order: order, zeroRuns: zeroRuns)
                }
            }
        }
        return best
    }

    static func write(_ values: [Int64], _ choice: Choice, into writer: inout PayloadWriter) {
        guard let first = values.first else { return }
        writer.svarint(first)
        guard choice.order != .constant else { return }
        let stream = residuals(values, order: choice.order)
        guard choice.zeroRuns else {
            for residual in stream { writer.svarint(residual) }
            return
        }
        var index = 0
        while index < stream.count {
            if stream[index] != 0 {
                writer.svarint(stream[index])
                index += 1
                continue
            }
            var run = 1
            while index + run < stream.count, stream[index + run] == 0 { run += 1 }
            writer.varint(0)
            writer.varint(UInt64(run - 1))
            index += run
        }
    }

    /// `count` values, already checked against the batch limits by the caller.
    static func read(count: Int, mode: UInt8, from reader: inout PayloadReader, field: String) throws(WireError) -> [Int64] {
        let orderBits = mode & 0x03
        guard let order = Order(rawValue: orderBits) else {
            throw reader.error(.unknownCode(UInt64(orderBits)), field + ".mode")
        }
        guard count > 0 else { return [] }
        let first = try reader.svarint(field + ".first")
        if order == .constant { return [Int64](repeating: first, count: count) }
        var stream: [Int64] = []
        stream.reserveCapacity(count - 1)
        if mode & zeroRunsBit == 0 {
            for _ in 1..<count { stream.append(try reader.svarint(field + ".residual")) }
        } else {
            while stream.count < count - 1 {
                let residual = try reader.svarint(field + ".residual")
                if residual != 0 {
                    stream.append(residual)
                    continue
                }
                let at = reader.offset
                let extra = try reader.varint(field + ".zero-run")
                let room = count - 1 - stream.count
                guard extra < UInt64(room) else { throw reader.error(.valueOutOfRange(extra), field + ".zero-run", at: at) }
                stream.append(contentsOf: repeatElement(0, count: Int(extra) + 1))
            }
        }
        return rebuild(first: first, stream: stream, order: order)
    }

    static func residuals(_ values: [Int64], order: Order) -> [Int64] {
        var stream: [Int64] = []
        stream.reserveCapacity(max(0, values.count - 1))
        var previousDelta: Int64 = 0
        for index in values.indices.dropFirst() {
            let delta = values[index] &- values[index - 1]
            stream.append(order == .deltaOfDelta ? delta &- previousDelta : delta)
            previousDelta = delta
        }
        return stream
    }

    static func rebuild(first: Int64, stream: [Int64], order: Order) -> [Int64] {
        var values = [first]
        values.reserveCapacity(stream.count + 1)
        var value = first
        var delta: Int64 = 0
        for residual in stream {
            delta = order == .deltaOfDelta ? delta &+ residual : residual
            value = value &+ delta
            values.append(value)
        }
        return values
    }

    private static func plainSize(_ stream: [Int64]) -> Int {
        stream.reduce(0) { $0 + Varint.size(ZigZag.encode($1)) }
    }

    private static func runSize(_ stream: [Int64]) -> Int {
        var size = 0
        var index = 0
        while index < stream.count {
            if stream[index] != 0 {
                size += Varint.size(ZigZag.encode(stream[index]))
                index += 1
                continue
            }
            var run = 1
            while index + run < stream.count, stream[index + run] == 0 { run += 1 }
            size += 1 + Varint.size(UInt64(run - 1))
            index += run
        }
        return size
    }
}
