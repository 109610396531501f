import Controller
import GreencapCore
import Testing

@Suite struct AuditJournalTests {
    @Test func keepsTheNewestRecordsInOrder() {
        var journal = AuditJournal(capacity: 3)
        for index in 0..<5 {
            journal.append(
                AuditRecord(time: Int64(index), node: "n", gpu: 0, old: .watts(700), new: .watts(600), cause: .demand, dryRun: false))
        }
        #expect(journal.records.map(\.time) == [2, 3, 4])
        #expect(journal.dropped == 2 && journal.appended == 5 && journal.count == 3)
    }

    @Test func aRecordNamesThePersonBehindARule() {
        let cause = ChangeCause.target(.hardCap(ruleID: "r1", scope: .rack("a01"), author: "kim", reason: "maintenance"))
        let change = LimitChange(gpu: 2, old: .watts(700), new: .watts(500), cause: cause, dryRun: true)
        let record = AuditRecord(change: change, node: "gc-a01-n07", time: 42, leaseExpiresAt: 99)
        #expect(record.author == "kim")
        #expect(record.dryRun)
        #expect(record.description == "42 gc-a01-n07 GPU 2: 700 W → 500 W, hard cap 'r1' on rack a01 by kim: maintenance by kim [dry-run]")
    }
}
