import Foundation
import GreencapTestSupport
import Testing

@testable import RemoteWrite

/// Our snappy against cramjam's (the Rust snap crate, independent of ours): what we compress it must
/// decompress, and what it compresses we must. One Python run per direction handles every input.
@Suite struct SnappyInteropTests {
    static let script = """
        import cramjam, os, sys
        mode, directory = sys.argv[1], sys.argv[2]
        for name in sorted(os.listdir(directory)):
            if not name.endswith(".in"):
                continue
            data = open(os.path.join(directory, name), "rb").read()
            if mode == "decompress":
                out = bytes(cramjam.snappy.decompress_raw(data))
            else:
                out = bytes(cramjam.snappy.compress_raw(data))
            open(os.path.join(directory, name[:-3] + ".out"), "wb").write(out)
        """

    static var inputs: [[UInt8]] {
        SnappyTests.inputs.map(\.1) + [
            WriteRequestEncoder.encodeUnchecked(EncodedSizeTests.fleet(nodes: 4, samplesPerSeries: 30))
        ]
    }

    /// Writes each input as N.in, runs cramjam over the directory, returns the N.out files in order.
    static func viaCramjam(_ mode: String, _ inputs: [[UInt8]]) throws -> [[UInt8]] {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        for (index, input) in inputs.enumerated() {
            try Data(input).write(to: URL(fileURLWithPath: "\(directory.path)/\(String(format: "%03d", index)).in"))
        }
        try Peers.runPython(script, [mode, directory.path])
        return try inputs.indices.map { index in
            try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(directory.path)/\(String(format: "%03d", index)).out")))
        }
    }

    @Test func cramjamDecompressesOurs() throws {
        let inputs = Self.inputs
        let decompressed = try Self.viaCramjam("decompress", inputs.map(SnappyCompressor.compress))
        for (index, input) in inputs.enumerated() {
            #expect(decompressed[index] == input, "input \(index)")
        }
    }

    @Test func weDecompressCramjams() throws {
        let inputs = Self.inputs
        let compressed = try Self.viaCramjam("compress", inputs)
        for (index, input) in inputs.enumerated() {
            #expect(try SnappyDecompressor.decompress(compressed[index]) == input, "input \(index)")
            // Same format, similar matcher: our output should be within a few percent of the reference's.
            let ours = SnappyCompressor.compress(input).count
            #expect(Double(ours) <= Double(compressed[index].count) * 1.10 + 8, "input \(index): ours \(ours), cramjam \(compressed[index].count)")
        }
    }
}
