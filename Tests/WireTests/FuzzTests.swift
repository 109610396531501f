import NIOCore
import Testing
@testable import Wire

/// The in-process stand-in for a libFuzzer run (docs/protocol.md, "Fuzzing"): valid frames, mutated with a
/// fixed seed, through the same frame reader and decoders the channel uses. Any outcome but a message or a
/// `WireError` (a trap, a hang, an allocation a claimed count asked for) fails the run.
@Suite struct FuzzTests {
    @Test func mutatedFramesNeverCrash() throws {
        var seeds = try Fixtures.messages.map { try Fixtures.frame($0.1) }
        seeds.append(try Fixtures.frame(.seriesDictionary(Fixtures.dictionary)))
        var model = NodeStreamModel(seed: 3)
        seeds.append(try Fixtures.frame(.samples(model.nextBatch())))
        var generator = SplitMix(seed: 0x5EED_F00D)
        let clock = ContinuousClock()
        let started = clock.now
        var outcomes = (messages: 0, errors: 0)
        for iteration in 0..<6000 {
            var bytes = seeds[Int(generator.next() % UInt64(seeds.count))]
            let mutations = 1 + Int(generator.next() % 4)
            for _ in 0..<mutations { mutate(&bytes, &generator) }
            // Most mutants get a fresh checksum, or the CRC would stop them all before the body decoders.
            if generator.next() % 8 != 0 { fixFrame(&bytes) }
            do throws(WireError) {
                outcomes.messages += try MalformedInputTests.decode(bytes, dictionary: Array(Fixtures.dictionary.prefix(iteration % 4))).count
            } catch {
                outcomes.errors += 1
                #expect(!error.description.isEmpty)
            }
        }
        // Pure noise too.
        for _ in 0..<1000 {
            let bytes = (0..<Int(generator.next() % 64)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            _ = try? MalformedInputTests.decode([0x47, 0x43, 0x01] + bytes)
        }
        #expect(outcomes.messages > 100, "mutants should still often be valid")
        #expect(outcomes.errors > 1000)
        #expect(clock.now - started < .seconds(10))
    }

    private func mutate(_ bytes: inout [UInt8], _ generator: inout SplitMix) {
        guard !bytes.isEmpty else { return }
        let at = Int(generator.next() % UInt64(bytes.count))
        switch generator.next() % 9 {
        case 0: bytes[at] ^= 1 << UInt8(generator.next() % 8)
        case 1: bytes[at] = UInt8(truncatingIfNeeded: generator.next())
        case 2: bytes[at] = [0x00, 0x7F, 0x80, 0xFF][Int(generator.next() % 4)]
        case 3: bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: at)
        case 4: bytes.remove(at: at)
        case 5: bytes.removeLast(Int(generator.next() % UInt64(bytes.count)))
        case 6:
            let end = min(bytes.count, at + 1 + Int(generator.next() % 16))
            bytes.insert(contentsOf: bytes[at..<end], at: at)
        case 7: bytes.replaceSubrange(at..<min(bytes.count, at + 10), with: [UInt8](repeating: 0xFF, count: 10))
        default:
            let end = min(bytes.count, at + 1 + Int(generator.next() % 8))
            bytes.removeSubrange(at..<end)
        }
    }

    /// Rewrites the length field and checksum so the mutant reaches the body decoder.
    private func fixFrame(_ bytes: inout [UInt8]) {
        guard bytes.count >= WireFrame.headerBytes + WireFrame.trailerBytes else { return }
        let length = UInt32(bytes.count - WireFrame.headerBytes - WireFrame.trailerBytes)
        bytes[5] = UInt8(length >> 24)
        bytes[6] = UInt8((length >> 16) & 0xFF)
        bytes[7] = UInt8((length >> 8) & 0xFF)
        bytes[8] = UInt8(length & 0xFF)
        let crc = CRC32C.checksum(Array(bytes[..<(bytes.count - 4)]))
        bytes.replaceSubrange((bytes.count - 4)..., with: [UInt8(crc >> 24), UInt8((crc >> 16) & 0xFF), UInt8((crc >> 8) & 0xFF), UInt8(crc & 0xFF)])
    }
}
