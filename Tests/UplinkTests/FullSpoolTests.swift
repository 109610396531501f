import Foundation
import Testing
@testable import Uplink

/// The collector is away and the spool fills: what is given up, in which order, and how it is reported.
/// 100-byte payloads make 128-byte records; 2 KiB segments hold 15 of them.
@Suite struct FullSpoolTests {
    static func fixture() throws -> SpoolFixture { try SpoolFixture(capacity: 16 << 10, segment: 2 << 10) }

    @Test func firstThinningKeepsEveryOtherSamplesRecordOldestFirst() async throws {
        let fixture = try Self.fixture()
        defer { fixture.remove() }
        let spool = try await fixture.open()
        var sequence: UInt64 = 0
        while try await spool.stats().thinned[.samples] == 0 {
            sequence = try #require(await spool.append(.samples, payload(Int(sequence) + 1, size: 100), time: Int64(sequence) + 1))
        }
        let records = try await spool.pending(limit: 1000)
        let thinned = records.prefix { $0.thinning == 1 }
        let dense = records.dropFirst(thinned.count)
        #expect(!thinned.isEmpty)
        #expect(thinned.map(\.sequence) == thinned.indices.map { UInt64(2 * $0 + 1) })
        #expect(thinned.dropFirst().allSatisfy { $0.previousSequence == $0.sequence - 2 })
        #expect(dense.allSatisfy { $0.thinning == 0 })
        #expect(zip(dense, dense.dropFirst()).allSatisfy { $1.sequence == $0.sequence + 1 })
        #expect(dense.last?.sequence == sequence)
        let stats = try await spool.stats()
        #expect(stats.thinned[.samples] == UInt64(thinned.count))
        #expect(stats.bytesUsed <= stats.capacityBytes)
        try await spool.close()
    }

    @Test func fillingGivesUpThinnedSamplesThenSamplesThenEventsThenAuditAndReportsIt() async throws {
        let fixture = try Self.fixture()
        defer { fixture.remove() }
        var spool = try await fixture.open()
        var time: Int64 = 0
        @discardableResult func add(_ recordClass: SpoolClass) async throws -> UInt64? {
            time += 1
            return try await spool.append(recordClass, payload(Int(time), size: 100), time: time)
        }
        for _ in 0..<10 { try await add(.audit) }  // times 1…10
        for _ in 0..<10 { try await add(.events) }  // times 11…20

        // Samples alone: thinned, and only samples.
        while try await spool.stats().thinned[.samples] == 0 { try await add(.samples) }
        var stats = try await spool.stats()
        #expect(stats.dropped.values.allSatisfy { $0 == 0 })
        #expect(stats.pendingRecords[.events] == 10 && stats.pendingRecords[.audit] == 10)

        // Then dropped once thinning has reached its limit; samples never push out events or audit.
        while try await spool.stats().dropped[.samples] == 0 { try await add(.samples) }
        stats = try await spool.stats()
        let samples = try await spool.pending(limit: 1000).filter { $0.recordClass == .samples }
        #expect(samples.filter { $0.thinning < 3 }.count <= 2)
        #expect(samples.first?.thinning == 3)
        #expect(stats.pendingRecords[.events] == 10 && stats.pendingRecords[.audit] == 10)
        #expect(stats.dropped[.events] == 0 && stats.dropped[.audit] == 0)

        // Events push out samples entirely before any event goes.
        while try await spool.stats().dropped[.events] == 0 { try await add(.events) }
        stats = try await spool.stats()
        #expect(stats.pendingRecords[.samples, default: 0] == 0)
        #expect(stats.pendingRecords[.audit] == 10 && stats.dropped[.audit] == 0)

        // Audit records go last of all, oldest first.
        while try await spool.stats().dropped[.audit] == 0 { try await add(.audit) }
        stats = try await spool.stats()
        #expect(stats.pendingRecords[.events, default: 0] == 0)
        #expect(stats.bytesUsed <= stats.capacityBytes)

        // A samples record finds no room among audit records: it is dropped itself, and counted.
        while stats.capacityBytes - stats.bytesUsed >= 256 {
            try await add(.audit)
            stats = try await spool.stats()
        }
        let droppedSamples = try #require(stats.dropped[.samples])
        time += 1
        #expect(try await spool.append(.samples, payload(0, size: 600), time: time) == nil)
        stats = try await spool.stats()
        #expect(stats.dropped[.samples] == droppedSamples + 1)

        let report = try #require(try await spool.lossReport())
        for recordClass in SpoolClass.allCases {
            #expect(report[recordClass].thinned == stats.thinned[recordClass])
            #expect(report[recordClass].dropped == stats.dropped[recordClass])
        }
        #expect(report.events.dropped > 0 && report.events.thinned == 0)
        #expect(report.audit.firstTime == 1 && report.audit.firstSequence == 1)
        #expect(report.events.firstTime == 11)
        #expect(report.samples.lastTime == time)  // the refused one
        let audit = try await spool.pending(limit: 1000)
        #expect(audit.allSatisfy { $0.recordClass == .audit })
        #expect(audit.first.map { $0.sequence > report.audit.lastSequence ?? 0 } == true)  // the oldest went

        // The report survives a restart, and a kill, until confirmed.
        try await spool.close()
        spool = try await fixture.open()
        #expect(try await spool.lossReport() == report)
        await spool.abandonForTesting()
        spool = try await fixture.open()
        #expect(try await spool.lossReport() == report)
        try await spool.confirmLossReport(report.id)
        try await spool.close()
        spool = try await fixture.open()
        #expect(try await spool.lossReport() == nil)
        #expect(try await spool.stats().dropped == stats.dropped)
        try await spool.close()
    }

    @Test func lossesAfterAReportWaitForTheNextAndAStaleConfirmationIsIgnored() async throws {
        let fixture = try Self.fixture()
        defer { fixture.remove() }
        let spool = try await fixture.open()
        while try await spool.stats().thinned[.samples] == 0 { try await spool.append(.samples, payload(0, size: 100)) }
        let first = try #require(try await spool.lossReport())
        let thinnedBefore = first.samples.thinned
        while try await spool.stats().thinned[.samples] == thinnedBefore { try await spool.append(.samples, payload(0, size: 100)) }
        let second = try #require(try await spool.lossReport())
        #expect(second.id > first.id)
        #expect(second.samples.thinned > first.samples.thinned)  // the first report's losses are still in it
        try await spool.confirmLossReport(first.id)  // stale: ignored
        #expect(try await spool.lossReport() == second)
        try await spool.confirmLossReport(second.id)
        #expect(try await spool.lossReport() == nil)
        try await spool.close()
    }

    @Test func acknowledgedRecordsMakeRoomWithoutLoss() async throws {
        let fixture = try Self.fixture()
        defer { fixture.remove() }
        let spool = try await fixture.open()
        for _ in 0..<200 {
            let sequence = try #require(await spool.append(.samples, payload(0, size: 100)))
            try await spool.acknowledge(through: sequence)
        }
        let stats = try await spool.stats()
        #expect(stats.thinned[.samples] == 0 && stats.dropped[.samples] == 0)
        #expect(try await spool.lossReport() == nil)
        try await spool.close()
    }
}
