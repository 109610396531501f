import Foundation
import Testing
@testable import Uplink

@Suite struct RoundTripTests {
    @Test func appendPendingAcknowledgeAndReopen() async throws {
        let fixture = try SpoolFixture()
        defer { fixture.remove() }
        var spool = try await fixture.open()
        var sequences: [UInt64] = []
        for i in 1...20 {
            let recordClass: SpoolClass = i % 5 == 0 ? .audit : (i % 3 == 0 ? .events : .samples)
            sequences.append(try #require(await spool.append(recordClass, payload(i), time: Int64(i) * 1000)))
        }
        #expect(sequences == Array(1...20))
        let all = try await spool.pending(limit: 100)
        #expect(all.map(\.sequence) == sequences)
        #expect(all[4].recordClass == .audit && all[2].recordClass == .events && all[0].recordClass == .samples)
        #expect(all.map(\.payload) == (1...20).map { payload($0) })
        #expect(all[6].time == 7000)

        try await spool.acknowledge(through: 12)
        try await spool.close()
        spool = try await fixture.open()
        let left = try await spool.pending(limit: 100)
        #expect(left.map(\.sequence) == Array(13...20))
        #expect(left.first?.previousSequence == 12)
        #expect(try await spool.append(.events, payload(21)) == 21)
        let stats = try await spool.stats()
        #expect(stats.acknowledgedThrough == 12 && stats.lastSequence == 21)
        #expect(stats.pendingRecords.values.reduce(0, +) == 9)
        try await spool.close()
    }

    @Test func sequencesSurviveRestartWhenEverythingWasAcknowledged() async throws {
        let fixture = try SpoolFixture()
        defer { fixture.remove() }
        var spool = try await fixture.open()
        for i in 1...5 { try await spool.append(.samples, payload(i)) }
        try await spool.acknowledge(through: 5)
        #expect(try fixture.segmentFiles().isEmpty)
        try await spool.close()
        spool = try await fixture.open()
        #expect(try await spool.pending(limit: 10).isEmpty)
        #expect(try await spool.append(.samples, payload(6)) == 6)
        // And after a crash (nothing saved at close), from the segments.
        await spool.abandonForTesting()
        spool = try await fixture.open()
        #expect(try await spool.append(.samples, payload(7)) == 7)
        try await spool.close()
    }

    @Test func acknowledgedSegmentsAreDeletedWhole() async throws {
        let fixture = try SpoolFixture(segment: 1024)
        defer { fixture.remove() }
        let spool = try await fixture.open()
        for i in 1...40 { try await spool.append(.samples, payload(i, size: 100)) }  // 128 bytes each, 7 per segment
        let before = try await spool.stats()
        #expect(before.segments == 6)
        try await spool.acknowledge(through: 15)  // two segments (1–7, 8–14) wholly, the third in part
        let after = try await spool.stats()
        #expect(after.segments == 4)
        #expect(after.bytesUsed == before.bytesUsed - 2 * (8 + 7 * 128))
        #expect(after.pendingRecords[.samples] == 25)
        #expect(try await spool.pending(limit: 1).first?.sequence == 16)
        try await spool.close()
    }

    @Test func pendingHonoursAfterLimitAndByteLimit() async throws {
        let fixture = try SpoolFixture()
        defer { fixture.remove() }
        let spool = try await fixture.open()
        _ = try await spool.append((1...10).map { SpoolEntry(.events, payload($0, size: 100), time: Int64($0)) })
        #expect(try await spool.pending(after: 4, limit: 3).map(\.sequence) == [5, 6, 7])
        #expect(try await spool.pending(after: 0, limit: 10, byteLimit: 250).map(\.sequence) == [1, 2])
        #expect(try await spool.pending(after: 0, limit: 10, byteLimit: 1).map(\.sequence) == [1])
        #expect(try await spool.pending(after: 10, limit: 10).isEmpty)
        try await spool.close()
    }

    @Test func acknowledgementBeyondAnythingAssignedMovesNumberingPastIt() async throws {
        let fixture = try SpoolFixture()
        defer { fixture.remove() }
        var spool = try await fixture.open()
        try await spool.append(.samples, payload(1))
        try await spool.acknowledge(through: 500)  // the spool was wiped; the collector remembers 500
        #expect(try await spool.append(.samples, payload(2)) == 501)
        try await spool.close()
        spool = try await fixture.open()
        #expect(try await spool.append(.samples, payload(3)) == 502)
        try await spool.close()
    }

    @Test func secondOpenIsRefusedWhileLocked() async throws {
        let fixture = try SpoolFixture()
        defer { fixture.remove() }
        let spool = try await fixture.open()
        await #expect(throws: SpoolError.locked(path: fixture.configuration.directory + "/spool.lock")) {
            _ = try await fixture.open()
        }
        try await spool.close()
        await #expect(throws: SpoolError.closed) { try await spool.append(.samples, payload(1)) }
        let again = try await fixture.open()
        try await again.close()
    }

    @Test func oversizedRecordAndBadConfigurationAreRefused() async throws {
        var fixture = try SpoolFixture()
        defer { fixture.remove() }
        let spool = try await fixture.open()
        let limit = fixture.configuration.maximumPayloadBytes
        await #expect(throws: SpoolError.recordTooLarge(bytes: limit + 1, limit: limit)) {
            try await spool.append(.samples, [UInt8](repeating: 0, count: limit + 1))
        }
        #expect(try await spool.append(.samples, [UInt8](repeating: 0, count: limit)) == 1)
        try await spool.close()
        fixture.configuration.capacityBytes = fixture.configuration.segmentBytes
        await #expect(throws: SpoolError.self) { _ = try await fixture.open() }
    }

    @Test func beforeSendPolicySyncsWhenRecordsAreHandedOut() async throws {
        let fixture = try SpoolFixture(sync: .beforeSend)
        defer { fixture.remove() }
        let spool = try await fixture.open()
        for i in 1...3 { try await spool.append(.samples, payload(i)) }
        #expect(try await spool.stats().unsyncedRecords == 3)
        _ = try await spool.pending(limit: 1)
        #expect(try await spool.stats().unsyncedRecords == 0)
        try await spool.close()
    }
}
