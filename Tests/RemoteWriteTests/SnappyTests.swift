import Testing

@testable import RemoteWrite

/// Snappy round trips on the shapes of input that exercise each element kind, and the decoder's refusals.
@Suite struct SnappyTests {
    static func random(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    }

    /// Text-like data with repeats near and far: copy-1, copy-2 and long matches all occur.
    static func repetitive(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        let words = ["greencap_gpu_power_watts", "node=\"n17\"", "gpu=\"3\"", "rack=\"r04\"", " ", "312.5", "\n"].map { Array($0.utf8) }
        var output: [UInt8] = []
        while output.count < count { output += words[Int(generator.next() % UInt64(words.count))] }
        return Array(output.prefix(count))
    }

    static let inputs: [(String, [UInt8])] = [
        ("empty", []),
        ("one byte", [42]),
        ("sixteen zeros", Array(repeating: 0, count: 16)),
        ("a run", Array(repeating: 0x61, count: 100_000)),
        ("random 1 KiB", random(1024, seed: 1)),
        ("random 200 KiB", random(200_000, seed: 2)),
        ("repetitive 5 KiB", repetitive(5000, seed: 3)),
        ("repetitive across blocks", repetitive(300_000, seed: 4)),
        ("exactly one block", repetitive(65536, seed: 5)),
        ("one block and a byte", repetitive(65537, seed: 6)),
    ]

    @Test(arguments: inputs.indices)
    func roundTrip(_ index: Int) throws {
        let (name, input) = Self.inputs[index]
        let compressed = SnappyCompressor.compress(input)
        #expect(compressed.count <= SnappyCompressor.maximumCompressedLength(input.count), "\(name)")
        #expect(try SnappyDecompressor.decompress(compressed) == input, "\(name)")
    }

    @Test func repetitiveInputShrinks() {
        #expect(SnappyCompressor.compress(Array(repeating: 0x61, count: 100_000)).count < 5_000)
        let text = Self.repetitive(100_000, seed: 9)
        #expect(SnappyCompressor.compress(text).count < text.count / 3)
    }

    @Test func emptyIsAPreambleOnly() {
        #expect(SnappyCompressor.compress([]) == [0])
    }

    @Test func decodesEveryElementKind() throws {
        // Preamble 11; literal "abcd" (tag 3<<2); copy-1 length 4 offset 4; copy-2 length 2 offset 1;
        // copy-4 length 1 offset 9.
        let input: [UInt8] = [11, 0x0C, 0x61, 0x62, 0x63, 0x64, 0x01, 0x04, 0x06, 0x01, 0x00, 0x03, 0x09, 0x00, 0x00, 0x00]
        #expect(try SnappyDecompressor.decompress(input) == Array("abcdabcdddb".utf8))
        // A literal whose length sits in the two bytes after tag 61.
        let long = Array(repeating: UInt8(7), count: 300)
        let encoded: [UInt8] = [0xAC, 0x02, 61 << 2, 0x2B, 0x01] + long
        #expect(try SnappyDecompressor.decompress(encoded) == long)
    }

    @Test func refusesMalformedInput() {
        func refuses(_ input: [UInt8], _ expected: SnappyError, limit: Int = 1 << 20) {
            #expect(throws: expected) { try SnappyDecompressor.decompress(input, maximumLength: limit) }
        }
        refuses([], .invalidPreamble)
        refuses([0x80], .invalidPreamble)
        refuses([0xFF, 0xFF, 0xFF, 0xFF, 0x7F], .invalidPreamble)  // more than 32 bits
        refuses([0x80, 0x80, 0x80, 0x08], .declaredLengthTooLarge(declared: 1 << 24, limit: 1 << 20))
        refuses([0x05], .declaredLengthTooLarge(declared: 5, limit: 4), limit: 4)
        refuses([4, 0x0C, 0x61], .truncated(offset: 1))
        refuses([4, 0xF0], .truncated(offset: 1))
        refuses([4, 0x02, 0x01], .truncated(offset: 1))
        refuses([8, 0x00, 0x61, 0x05, 0x00], .invalidCopyOffset(offset: 3, distance: 0, produced: 1))
        refuses([8, 0x00, 0x61, 0x05, 0x02], .invalidCopyOffset(offset: 3, distance: 2, produced: 1))
        refuses([2, 0x08, 0x61, 0x62, 0x63], .overrun(offset: 1, declared: 2))
        refuses([6, 0x00, 0x61, 0x09, 0x01], .overrun(offset: 3, declared: 6))
        refuses([4, 0x00, 0x61], .lengthMismatch(declared: 4, produced: 1))
    }

    @Test func randomBytesNeverCrashTheDecoder() {
        var generator = SplitMix64(seed: 11)
        for _ in 0..<5000 {
            let bytes = (0..<Int(generator.next() % 64)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            _ = try? SnappyDecompressor.decompress(bytes, maximumLength: 4096)
        }
        // Corrupted real streams, too.
        let good = SnappyCompressor.compress(Self.repetitive(4000, seed: 12))
        for _ in 0..<2000 {
            var bad = good
            bad[Int(generator.next() % UInt64(bad.count))] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
            _ = try? SnappyDecompressor.decompress(bad, maximumLength: 8192)
        }
    }
}
