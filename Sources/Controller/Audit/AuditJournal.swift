/// The most recent audit records, in memory, oldest dropped first. Persistence (local file, collector upload)
/// builds on this; the loop only needs somewhere bounded to put records.
public struct AuditJournal: Sendable {
    public let capacity: Int
    private var storage: [AuditRecord] = []
    private var start = 0
    /// Records pushed out by newer ones since the journal was made.
    public private(set) var dropped = 0
    /// Records ever appended.
    public private(set) var appended = 0

    public init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
        storage.reserveCapacity(min(self.capacity, 1024))
    }

    public var count: Int { storage.count }

    public mutating func append(_ record: AuditRecord) {
        appended += 1
        if storage.count < capacity {
            storage.append(record)
        } else {
            storage[start] = record
            start = (start + 1) % capacity
            dropped += 1
        }
    }

    /// Records every change of one tick.
    public mutating func append(_ changes: [LimitChange], node: String, time: Int64, leaseExpiresAt: Int64?) {
        for change in changes {
            append(AuditRecord(change: change, node: node, time: time, leaseExpiresAt: leaseExpiresAt))
        }
    }

    /// Oldest first.
    public var records: [AuditRecord] {
        Array(storage[start...] + storage[..<start])
    }
}
