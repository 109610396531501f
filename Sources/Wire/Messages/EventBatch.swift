import Controller
import GreencapCore

/// Audit records and other events, under one sequence number shared with sample batches.
public struct EventBatch: Sendable, Hashable {
    public var sequence: UInt64
    public var events: [WireEvent]

    public init(sequence: UInt64, events: [WireEvent]) {
        self.sequence = sequence
        self.events = events
    }
}

public enum WireEvent: Sendable, Hashable {
    case audit(WireAuditRecord)
    /// The agent's spool overflowed while the collector was unreachable: how much it thinned or dropped, so
    /// the gap in the data is explained, not silent.
    case spoolLoss(time: Int64, samplesThinned: UInt64, eventsDropped: UInt64)
    /// Anything else worth recording, by code and text.
    case note(time: Int64, code: UInt16, text: String)
}

/// An `AuditRecord` as the collector stores it: the cause as a stable code plus its text, so a collector older
/// than the agent can still store and show causes it has no case for.
public struct WireAuditRecord: Sendable, Hashable {
    public var time: Int64
    public var node: String
    public var gpu: Int?
    public var old: Milliwatts?
    public var new: Milliwatts
    public var causeCode: UInt16
    public var causeText: String
    public var author: String?
    public var leaseExpiresAt: Int64?
    public var dryRun: Bool

    public init(
        time: Int64, node: String, gpu: Int?, old: Milliwatts?, new: Milliwatts, causeCode: UInt16, causeText: String,
        author: String?, leaseExpiresAt: Int64?, dryRun: Bool
    ) {
        self.time = time
        self.node = node
        self.gpu = gpu
        self.old = old
        self.new = new
        self.causeCode = causeCode
        self.causeText = causeText
        self.author = author
        self.leaseExpiresAt = leaseExpiresAt
        self.dryRun = dryRun
    }

    public init(_ record: AuditRecord) {
        self.init(
            time: record.time, node: record.node, gpu: record.gpu, old: record.old, new: record.new,
            causeCode: AuditCauseCode.code(for: record.cause), causeText: record.cause.description,
            author: record.author, leaseExpiresAt: record.leaseExpiresAt, dryRun: record.dryRun)
    }
}

/// Stable numbers for `ChangeCause` (docs/protocol.md lists them). New causes get new numbers; numbers are
/// never reused.
public enum AuditCauseCode {
    public static func code(for cause: ChangeCause) -> UInt16 {
        switch cause {
        case .target(let target):
            switch target {
            case .hardCap: 1
            case .circuit: 2
            case .renewable: 3
            case .siteBudget: 4
            case .noPolicy: 5
            case .rejectedRule: 6
            case .leaseExpired: 7
            case .feedStale: 8
            case .upsOnBattery: 9
            }
        case .closedLoop: 20
        case .demand: 21
        case .drift: 22
        case .gpuIgnoringLimit: 23
        case .agentStop: 24
        }
    }
}
