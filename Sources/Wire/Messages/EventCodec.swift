import GreencapCore
import NIOCore

/// Events travel as `kind | body length | body`, so a collector skips a kind it does not know instead of
/// losing the rest of the batch.
enum EventCodec {
    static let auditKind: UInt8 = 1
    static let spoolLossKind: UInt8 = 2
    static let noteKind: UInt8 = 3

    /// Bits of an audit record's presence byte.
    private static let hasGPU: UInt8 = 0x01
    private static let hasOld: UInt8 = 0x02
    private static let hasAuthor: UInt8 = 0x04
    private static let hasLease: UInt8 = 0x08
    private static let dryRun: UInt8 = 0x10

    static func write(_ batch: EventBatch, into w: inout PayloadWriter) throws(WireError) {
        w.varint(batch.sequence)
        try w.count(batch.events.count, limit: w.limits.maxBatchCount, "events")
        for event in batch.events {
            var body = PayloadWriter(buffer: ByteBufferAllocator().buffer(capacity: 64), type: w.type, limits: w.limits)
            let kind: UInt8
            switch event {
            case .audit(let record):
                kind = auditKind
                body.svarint(record.time)
                try body.string(record.node, "audit.node")
                var presence: UInt8 = record.dryRun ? dryRun : 0
                if record.gpu != nil { presence |= hasGPU }
                if record.old != nil { presence |= hasOld }
                if record.author != nil { presence |= hasAuthor }
                if record.leaseExpiresAt != nil { presence |= hasLease }
                body.u8(presence)
                if let gpu = record.gpu { body.svarint(Int64(gpu)) }
                if let old = record.old { body.svarint(old.value) }
                body.svarint(record.new.value)
                body.varint(UInt64(record.causeCode))
                try body.string(record.causeText, "audit.causeText")
                if let author = record.author { try body.string(author, "audit.author") }
                if let lease = record.leaseExpiresAt { body.svarint(lease) }
            case .spoolLoss(let time, let thinned, let dropped):
                kind = spoolLossKind
                body.svarint(time)
                body.varint(thinned)
                body.varint(dropped)
            case .note(let time, let code, let text):
                kind = noteKind
                body.svarint(time)
                body.varint(UInt64(code))
                try body.string(text, "note.text")
            }
            w.u8(kind)
            w.varint(UInt64(body.buffer.readableBytes))
            w.buffer.writeBuffer(&body.buffer)
        }
    }

    static func read(from r: inout PayloadReader) throws(WireError) -> EventBatch {
        let sequence = try r.varint("sequence")
        let count = try r.count("events", limit: r.limits.maxBatchCount, minimumElementBytes: 2)
        var events: [WireEvent] = []
        for _ in 0..<count {
            let kind = try r.u8("event.kind")
            let lengthAt = r.offset
            let length = try r.varint("event.length")
            guard length <= UInt64(r.remaining) else {
                throw r.error(.truncated(needed: Int(clamping: length), available: r.remaining), "event.length", at: lengthAt)
            }
            let end = r.remaining - Int(length)
            switch kind {
            case auditKind: events.append(.audit(try readAudit(from: &r)))
            case spoolLossKind:
                let time = try r.svarint("spoolLoss.time")
                let thinned = try r.varint("spoolLoss.samplesThinned")
                events.append(.spoolLoss(time: time, samplesThinned: thinned, eventsDropped: try r.varint("spoolLoss.eventsDropped")))
            case noteKind:
                let time = try r.svarint("note.time")
                let code = try r.uint16("note.code")
                events.append(.note(time: time, code: code, text: try r.string("note.text")))
            default:
                _ = try r.bytes(Int(length), "event.body")
            }
            guard r.remaining == end else {
                throw r.error(.valueOutOfRange(length), "event.length", at: lengthAt)
            }
        }
        return EventBatch(sequence: sequence, events: events)
    }

    private static func readAudit(from r: inout PayloadReader) throws(WireError) -> WireAuditRecord {
        let time = try r.svarint("audit.time")
        let node = try r.string("audit.node")
        let presenceAt = r.offset
        let presence = try r.u8("audit.presence")
        guard presence & 0xE0 == 0 else { throw r.error(.reservedBitsSet(presence & 0xE0), "audit.presence", at: presenceAt) }
        let gpu = presence & hasGPU != 0 ? try r.int("audit.gpu") : nil
        let old = presence & hasOld != 0 ? Milliwatts(try r.svarint("audit.old")) : nil
        let new = Milliwatts(try r.svarint("audit.new"))
        let code = try r.uint16("audit.causeCode")
        let text = try r.string("audit.causeText")
        let author = presence & hasAuthor != 0 ? try r.string("audit.author") : nil
        let lease = presence & hasLease != 0 ? try r.svarint("audit.leaseExpiresAt") : nil
        return WireAuditRecord(
            time: time, node: node, gpu: gpu, old: old, new: new, causeCode: code, causeText: text, author: author,
            leaseExpiresAt: lease, dryRun: presence & dryRun != 0)
    }
}
