/// Why a snappy block was refused. Offsets count from the start of the compressed input.
public enum SnappyError: Error, Sendable, Equatable {
    case invalidPreamble
    /// The preamble asks for more memory than the caller allows: checked before anything is allocated.
    case declaredLengthTooLarge(declared: UInt64, limit: Int)
    case truncated(offset: Int)
    /// A back-reference to before the start of the output (or offset zero).
    case invalidCopyOffset(offset: Int, distance: Int, produced: Int)
    /// The elements would write past the length the preamble declared.
    case overrun(offset: Int, declared: Int)
    case lengthMismatch(declared: Int, produced: Int)
}

/// The decoder half of snappy's block format. It trusts nothing in the input: the declared length is bounded
/// by the caller, and every literal and copy is checked against what is left of input and output.
public enum SnappyDecompressor {
    /// Remote-write receivers cap a request near 32 MiB once decompressed; a sender's own check may use less.
    public static let defaultMaximumLength = 32 << 20

    public static func decompress(_ input: [UInt8], maximumLength: Int = defaultMaximumLength) throws(SnappyError) -> [UInt8] {
        var position = 0
        let declared = try readPreamble(input, &position)
        guard declared <= UInt64(max(maximumLength, 0)) else { throw .declaredLengthTooLarge(declared: declared, limit: maximumLength) }
        let length = Int(declared)
        var output: [UInt8] = []
        output.reserveCapacity(length)
        while position < input.count {
            let elementStart = position
            let tag = input[position]
            position += 1
            switch tag & 0b11 {
            case 0b00:
                var n = Int(tag >> 2)
                if n >= 60 {
                    let extra = n - 59
                    guard input.count - position >= extra else { throw .truncated(offset: elementStart) }
                    n = 0
                    for index in 0..<extra { n |= Int(input[position + index]) << (8 * index) }
                    position += extra
                }
                let count = n + 1
                guard input.count - position >= count else { throw .truncated(offset: elementStart) }
                guard length - output.count >= count else { throw .overrun(offset: elementStart, declared: length) }
                output.append(contentsOf: input[position..<position + count])
                position += count
            case 0b01:
                guard position < input.count else { throw .truncated(offset: elementStart) }
                let count = Int(tag >> 2 & 0b111) + 4
                let distance = Int(tag >> 5) << 8 | Int(input[position])
                position += 1
                try copy(distance: distance, count: count, at: elementStart, declared: length, into: &output)
            case 0b10:
                guard input.count - position >= 2 else { throw .truncated(offset: elementStart) }
                let distance = Int(input[position]) | Int(input[position + 1]) << 8
                position += 2
                try copy(distance: distance, count: Int(tag >> 2) + 1, at: elementStart, declared: length, into: &output)
            default:
                guard input.count - position >= 4 else { throw .truncated(offset: elementStart) }
                var distance = 0
                for index in 0..<4 { distance |= Int(input[position + index]) << (8 * index) }
                position += 4
                try copy(distance: distance, count: Int(tag >> 2) + 1, at: elementStart, declared: length, into: &output)
            }
        }
        guard output.count == length else { throw .lengthMismatch(declared: length, produced: output.count) }
        return output
    }

    /// The declared length: a little-endian base-128 varint of at most 32 bits.
    static func readPreamble(_ input: [UInt8], _ position: inout Int) throws(SnappyError) -> UInt64 {
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 35, by: 7) {
            guard position < input.count else { throw .invalidPreamble }
            let byte = input[position]
            position += 1
            value |= UInt64(byte & 0x7F) << UInt64(shift)
            if byte & 0x80 == 0 {
                guard value <= UInt64(UInt32.max) else { throw .invalidPreamble }
                return value
            }
        }
        throw .invalidPreamble
    }

    /// Byte by byte, because a copy may overlap what it is producing (distance 1 repeats one byte).
    private static func copy(distance: Int, count: Int, at offset: Int, declared: Int, into output: inout [UInt8]) throws(SnappyError) {
        guard distance > 0, distance <= output.count else {
            throw .invalidCopyOffset(offset: offset, distance: distance, produced: output.count)
        }
        guard declared - output.count >= count else { throw .overrun(offset: offset, declared: declared) }
        let start = output.count - distance
        for index in 0..<count { output.append(output[start + index]) }
    }
}
