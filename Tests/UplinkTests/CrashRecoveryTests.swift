import Foundation
import Testing
@testable import Uplink

/// What a kill -9, a torn write or a damaged disk leaves, and what the spool makes of it. The crash is simulated
/// by dropping the spool's descriptors without a sync or a state save (`abandonForTesting`) and then writing the
/// segment bytes a crash mid-write would leave.
@Suite struct CrashRecoveryTests {
    /// 64-byte payloads: 92-byte records after the 8-byte segment header.
    static let record = 92
    static func offset(ofRecord n: Int) -> Int { 8 + (n - 1) * record }

    @Test(arguments: [
        (cut: 10, next: UInt64(5)),  // the record's header cut before its sequence: the number was never handed out
        (cut: 50, next: 6),  // cut in the payload: the sequence is readable, and skipped to be safe
        (cut: 90, next: 6),  // cut in the CRC
    ])
    func tornFinalRecordIsCutOffAfterAKill(cut: Int, next: UInt64) async throws {
        let fixture = try SpoolFixture()
        defer { fixture.remove() }
        var spool = try await fixture.open()
        for i in 1...5 { try await spool.append(.samples, payload(i)) }
        await spool.abandonForTesting()
        let segment = try #require(try fixture.segmentFiles().last)
        try FileHandle(forWritingTo: URL(fileURLWithPath: segment)).truncate(atOffset: UInt64(Self.offset(ofRecord: 5) + cut))

        spool = try await fixture.open()
        #expect(try await spool.pending(limit: 10).map(\.sequence) == [1, 2, 3, 4])
        let stats = try await spool.stats()
        #expect(stats.tornBytesDiscarded == cut)
        #expect(stats.corruptions.isEmpty)
        #expect(try await spool.lossReport() == nil)
        #expect(try await spool.append(.samples, payload(6)) == next)
        try await spool.close()
        #expect(try fixture.bytes(segment).count == Self.offset(ofRecord: 5))
    }

    /// A process killed with SIGKILL in the middle of its write(2) leaves the start of a record at the end of the
    /// segment; one killed while rolling over leaves a new segment with part of its header.
    @Test func killWhileAppendingAndWhileRollingOver() async throws {
        let fixture = try SpoolFixture()
        defer { fixture.remove() }
        var spool = try await fixture.open()
        for i in 1...3 { try await spool.append(.events, payload(i)) }
        try await spool.acknowledge(through: 1)
        await spool.abandonForTesting()
        let segment = try #require(try fixture.segmentFiles().last)
        let whole = RecordFormat.encode(sequence: 4, recordClass: .events, thinning: 0, time: 4, payload: payload(4))
        try fixture.write(segment, try fixture.bytes(segment) + whole.prefix(40))

        spool = try await fixture.open()
        #expect(try await spool.pending(limit: 10).map(\.sequence) == [2, 3])
        #expect(try await spool.stats().tornBytesDiscarded == 40)
        #expect(try await spool.append(.events, payload(5)) == 5)  // 4 was readable in the torn header: skipped
        await spool.abandonForTesting()
        try fixture.write(fixture.configuration.directory + "/segment-00000000000000000006.log", Array("GCS".utf8))

        spool = try await fixture.open()
        #expect(try fixture.segmentFiles().count == 2)
        #expect(try await spool.stats().tornBytesDiscarded == 3)
        #expect(try await spool.pending(limit: 10).map(\.sequence) == [2, 3, 5])
        #expect(try await spool.append(.events, payload(6)) == 6)
        try await spool.close()
    }

    @Test func corruptRecordInTheMiddleIsReportedWithFileAndOffsetAndSkipped() async throws {
        let fixture = try SpoolFixture()
        defer { fixture.remove() }
        var spool = try await fixture.open()
        for i in 1...10 { try await spool.append(.samples, payload(i), time: Int64(i)) }
        try await spool.close()
        let segment = try #require(try fixture.segmentFiles().first)
        var bytes = try fixture.bytes(segment)
        bytes[Self.offset(ofRecord: 4) + 30] ^= 0x01
        try fixture.write(segment, bytes)

        spool = try await fixture.open()
        let records = try await spool.pending(limit: 20)
        #expect(records.map(\.sequence) == [1, 2, 3, 5, 6, 7, 8, 9, 10])
        #expect(records[3].previousSequence == 3)
        let corruption = try #require(try await spool.stats().corruptions.first)
        #expect(corruption.file == segment)
        #expect(corruption.offset == Self.offset(ofRecord: 4))
        #expect(corruption.length == Self.record)
        #expect(corruption.reason == "CRC32C mismatch")
        try await spool.close()

        // Reported once: the damage was cut out, and the report waits for confirmation.
        spool = try await fixture.open()
        #expect(try await spool.stats().corruptions.isEmpty)
        #expect(try await spool.pending(limit: 20).count == 9)
        let report = try #require(try await spool.lossReport())
        #expect(report.corruptedRegions == 1 && report.corruptedBytes == UInt64(Self.record))
        try await spool.close()
    }

    @Test func damagedLengthFieldAndZeroedStretchAreSkippedByResynchronising() async throws {
        let fixture = try SpoolFixture()
        defer { fixture.remove() }
        var spool = try await fixture.open()
        for i in 1...10 { try await spool.append(.audit, payload(i)) }
        try await spool.close()
        let segment = try #require(try fixture.segmentFiles().first)
        var bytes = try fixture.bytes(segment)
        bytes[Self.offset(ofRecord: 3) + 6] = 0xFF  // length of record 3 now ~16 MiB
        for k in (Self.offset(ofRecord: 6) + 20)..<(Self.offset(ofRecord: 7) + 40) { bytes[k] = 0 }  // records 6 and 7
        try fixture.write(segment, bytes)

        spool = try await fixture.open()
        #expect(try await spool.pending(limit: 20).map(\.sequence) == [1, 2, 4, 5, 8, 9, 10])
        let corruptions = try await spool.stats().corruptions
        #expect(corruptions.map(\.offset) == [Self.offset(ofRecord: 3), Self.offset(ofRecord: 6)])
        #expect(corruptions.map(\.length) == [Self.record, 2 * Self.record])
        #expect(try await spool.append(.audit, payload(11)) == 11)
        try await spool.close()
    }

    @Test func recordDamagedWhileTheSpoolIsOpenIsSkippedWhenRead() async throws {
        let fixture = try SpoolFixture()
        defer { fixture.remove() }
        let spool = try await fixture.open()
        for i in 1...3 { try await spool.append(.events, payload(i)) }
        let segment = try #require(try fixture.segmentFiles().first)
        var bytes = try fixture.bytes(segment)
        bytes[Self.offset(ofRecord: 2) + 40] ^= 0xFF
        try fixture.write(segment, bytes)
        #expect(try await spool.pending(limit: 10).map(\.sequence) == [1, 3])
        #expect(try await spool.stats().corruptions.map(\.offset) == [Self.offset(ofRecord: 2)])
        #expect(try await spool.lossReport()?.corruptedRegions == 1)
        try await spool.close()
    }

    @Test func unreadableSegmentHeaderAndStateFileAreReportedAndSetAside() async throws {
        let fixture = try SpoolFixture(segment: 1024)
        defer { fixture.remove() }
        var spool = try await fixture.open()
        for i in 1...20 { try await spool.append(.samples, payload(i)) }  // 11 per segment
        try await spool.close()
        let first = try #require(try fixture.segmentFiles().first)
        var bytes = try fixture.bytes(first)
        bytes[0] = UInt8(ascii: "X")
        try fixture.write(first, bytes)
        try fixture.write(fixture.configuration.directory + "/spool.state", Array("garbage".utf8))

        spool = try await fixture.open()
        let corruptions = try await spool.stats().corruptions
        #expect(corruptions.map(\.file).sorted() == [first, fixture.configuration.directory + "/spool.state"].sorted())
        #expect(FileManager.default.fileExists(atPath: first + ".bad"))
        #expect(try await spool.pending(limit: 30).map(\.sequence) == Array(12...20))
        #expect(try await spool.append(.samples, payload(21)) == 21)
        try await spool.close()
    }
}
