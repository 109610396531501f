/// Snappy's block format (github.com/google/snappy, format_description.txt), the body encoding remote-write
/// requires: a uvarint of the uncompressed length, then literals and back-references.
///
/// A greedy matcher over a hash table of 4-byte sequences, in 64 KiB blocks like the reference encoder, so
/// every back-reference fits a 2-byte offset. It aims at the reference's ratio on metric payloads (long runs
/// of repeated label bytes), not at its speed.
public enum SnappyCompressor {
    static let blockSize = 1 << 16
    static let tableBits = 14
    /// Below this a block cannot gain from matching: it goes out as one literal.
    static let minimumMatchingBlock = 17

    /// Snappy's bound for the compressed size of `length` bytes.
    public static func maximumCompressedLength(_ length: Int) -> Int {
        32 + length + length / 6
    }

    public static func compress(_ input: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(maximumCompressedLength(input.count))
        appendUVarint(UInt64(input.count), to: &output)
        var table = [Int](repeating: -1, count: 1 << tableBits)
        var blockStart = 0
        while blockStart < input.count {
            let blockEnd = min(blockStart + blockSize, input.count)
            compressBlock(input, blockStart..<blockEnd, table: &table, into: &output)
            blockStart = blockEnd
        }
        return output
    }

    private static func compressBlock(_ input: [UInt8], _ block: Range<Int>, table: inout [Int], into output: inout [UInt8]) {
        guard block.count >= minimumMatchingBlock else {
            emitLiteral(input[block], into: &output)
            return
        }
        // Positions from earlier blocks would need offsets past 65535: forget them.
        for index in table.indices { table[index] = -1 }
        let lastLoad = block.upperBound - 4
        var nextEmit = block.lowerBound
        var position = block.lowerBound
        while position <= lastLoad {
            let word = load32(input, position)
            let slot = hash(word)
            let candidate = table[slot]
            table[slot] = position
            guard candidate >= 0, load32(input, candidate) == word else {
                // Skip faster through data that does not compress (the reference's heuristic, in spirit):
                // one more byte per lookup for every 32 bytes since the last match.
                position += 1 + (position - nextEmit) >> 5
                continue
            }
            var length = 4
            while position + length < block.upperBound && input[candidate + length] == input[position + length] {
                length += 1
            }
            if nextEmit < position { emitLiteral(input[nextEmit..<position], into: &output) }
            emitCopy(offset: position - candidate, length: length, into: &output)
            position += length
            nextEmit = position
            // Seed the table with the match's last position, so a run that continues is found at once.
            if position - 1 <= lastLoad { table[hash(load32(input, position - 1))] = position - 1 }
        }
        if nextEmit < block.upperBound { emitLiteral(input[nextEmit..<block.upperBound], into: &output) }
    }

    static func load32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }

    static func hash(_ word: UInt32) -> Int {
        Int((word &* 0x1E35_A7BD) >> UInt32(32 - tableBits))
    }

    /// Tag byte's low two bits: 00 literal; the length minus one in the upper six bits, or in 1–4 bytes after
    /// the tag when it is 60 or more.
    static func emitLiteral(_ bytes: ArraySlice<UInt8>, into output: inout [UInt8]) {
        let n = bytes.count - 1
        if n < 60 {
            output.append(UInt8(n) << 2)
        } else {
            let extra = n < 1 << 8 ? 1 : n < 1 << 16 ? 2 : n < 1 << 24 ? 3 : 4
            output.append(UInt8(59 + extra) << 2)
            for index in 0..<extra { output.append(UInt8(truncatingIfNeeded: n >> (8 * index))) }
        }
        output.append(contentsOf: bytes)
    }

    /// Copies are 1–64 bytes (2-byte offset) or 4–11 bytes within 2 KiB (1-byte offset, one byte shorter).
    /// A long match is cut into 64-byte copies, keeping at least 4 for the last so it can still be encoded.
    static func emitCopy(offset: Int, length: Int, into output: inout [UInt8]) {
        var rest = length
        while rest >= 68 {
            emitCopy2(offset: offset, length: 64, into: &output)
            rest -= 64
        }
        if rest > 64 {
            emitCopy2(offset: offset, length: 60, into: &output)
            rest -= 60
        }
        if rest < 12 && offset < 2048 {
            // 01: length−4 in bits 2–4, offset bits 8–10 in bits 5–7, offset's low byte after.
            output.append(0b01 | UInt8(rest - 4) << 2 | UInt8(offset >> 8) << 5)
            output.append(UInt8(truncatingIfNeeded: offset))
        } else {
            emitCopy2(offset: offset, length: rest, into: &output)
        }
    }

    private static func emitCopy2(offset: Int, length: Int, into output: inout [UInt8]) {
        output.append(0b10 | UInt8(length - 1) << 2)
        output.append(UInt8(truncatingIfNeeded: offset))
        output.append(UInt8(truncatingIfNeeded: offset >> 8))
    }

    static func appendUVarint(_ value: UInt64, to output: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            output.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        output.append(UInt8(rest))
    }
}
