import Testing
@testable import Uplink

@Suite struct FormatTests {
    /// RFC 3720 appendix B.4 check values, and the common "123456789" one.
    @Test func crc32cKnownValues() {
        #expect(SpoolCRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(SpoolCRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(SpoolCRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(SpoolCRC32C.checksum(Array(0..<32)) == 0x46DD_794E)
    }

    @Test func recordRoundTripAndRethinning() {
        let bytes = RecordFormat.encode(sequence: 42, recordClass: .events, thinning: 0, time: -5, payload: [1, 2, 3])
        #expect(bytes.count == RecordFormat.overhead + 3)
        let thinned = bytes.withUnsafeBytes { RecordFormat.rethinned($0, thinning: 2) }
        for (record, thinning) in [(bytes, UInt8(0)), (thinned, 2)] {
            let parsed = record.withUnsafeBytes { RecordFormat.parse($0, at: 0) }
            guard case .record(let header) = parsed else {
                Issue.record("not parsed: \(parsed)")
                continue
            }
            #expect(header.sequence == 42 && header.recordClass == .events && header.time == -5)
            #expect(header.thinning == thinning && header.payloadLength == 3)
        }
    }

    @Test func stateRoundTripAndDamageDetected() throws {
        var state = SpoolState()
        state.acknowledgedThrough = 7
        state.highestAssigned = 9
        state.lifetimeDropped = [1, 2, 3]
        state.open.samples.count(thinned: true, time: 100, sequence: 5)
        state.open.corruptedRegions = 1
        var outstanding = LossReport(id: 3)
        outstanding.audit.count(thinned: false, time: -1, sequence: nil)
        state.outstanding = outstanding
        let bytes = state.encode()
        #expect(try SpoolState.decode(bytes) == state)
        var damaged = bytes
        damaged[20] ^= 1
        #expect(throws: SpoolState.DecodeError.self) { try SpoolState.decode(damaged) }
        #expect(throws: SpoolState.DecodeError.self) { try SpoolState.decode(Array(bytes.dropLast(3))) }
    }
}
