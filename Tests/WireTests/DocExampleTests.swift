import Foundation
import GreencapTestSupport
import NIOCore
import Testing
@testable import Wire

/// docs/protocol.md's byte examples are decoded here, so the document cannot drift from the code.
///
/// A block is fenced as ```` ```hex <name> ````; `#` starts a comment; the name is a key of
/// `Fixtures.messages`. Run with `WIRE_PRINT_EXAMPLES=1` to print every example's bytes.
@Suite struct DocExampleTests {
    static func examples() throws -> [(name: String, bytes: [UInt8])] {
        let text = try String(contentsOfFile: Paths.repository + "/docs/protocol.md", encoding: .utf8)
        var examples: [(String, [UInt8])] = []
        var current: (String, [UInt8])?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let open = current {
                if line.hasPrefix("```") {
                    examples.append(open)
                    current = nil
                    continue
                }
                let data = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                for token in data.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                    guard token.count == 2, let byte = UInt8(token, radix: 16) else {
                        throw TestFailure("docs/protocol.md example '\(open.0)': '\(token)' is not a hex byte")
                    }
                    current?.1.append(byte)
                }
            } else if line.hasPrefix("```hex ") {
                current = (String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces), [])
            }
        }
        return examples
    }

    @Test func everyExampleDecodesToItsMessageAndReencodesIdentically() throws {
        if ProcessInfo.processInfo.environment["WIRE_PRINT_EXAMPLES"] != nil {
            for (name, message) in Fixtures.messages { print("```hex \(name)\n\(Fixtures.hex(try Fixtures.frame(message)))\n```") }
        }
        let examples = try Self.examples()
        #expect(examples.count >= Fixtures.messages.count)
        for (name, bytes) in examples {
            let expected = try #require(Fixtures.messages.first { $0.0 == name }?.1, "docs example '\(name)' has no fixture")
            var buffer = ByteBuffer(bytes: bytes)
            let frame = try #require(try FrameReader().next(from: &buffer), "example '\(name)' is not a whole frame")
            #expect(buffer.readableBytes == 0, "example '\(name)' has bytes after its frame")
            var registry = SeriesRegistry()
            try registry.add(Fixtures.dictionary)
            #expect(try WireCodec().decode(frame, registry: &registry) == expected, "example '\(name)'")
            #expect(try Fixtures.frame(expected) == bytes, "example '\(name)' re-encodes differently")
        }
        let documented = Set(examples.map(\.name))
        for (name, _) in Fixtures.messages { #expect(documented.contains(name), "docs/protocol.md lacks example '\(name)'") }
    }
}
