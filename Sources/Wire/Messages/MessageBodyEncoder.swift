import Controller
import GreencapCore
import NIOCore

/// Writes a message's body (docs/protocol.md gives each layout); framing is `WireFrame`'s job.
enum MessageBodyEncoder {
    static func write(_ message: WireMessage, into w: inout PayloadWriter) throws(WireError) {
        switch message {
        case .hello(let hello):
            try w.string(hello.nodeID, "nodeID")
            try w.string(hello.agentVersion, "agentVersion")
            try w.count(hello.supportedVersions.count, limit: 255, "supportedVersions")
            w.bytes(hello.supportedVersions)
            w.bytes(hello.clientNonce.bytes)
        case .challenge(let challenge):
            w.u8(challenge.version)
            w.bytes(challenge.serverNonce.bytes)
        case .authResponse(let proof):
            w.bytes(proof.bytes)
        case .authResult(.accepted(let proof, let sequence)):
            w.u8(0)
            w.bytes(proof.bytes)
            w.varint(sequence)
        case .authResult(.refused(let reason)):
            w.u8(1)
            try w.string(reason, "reason")
        case .seriesDictionary(let entries):
            try w.count(entries.count, limit: w.limits.maxBatchCount, "entries")
            for entry in entries {
                w.varint(UInt64(entry.id))
                try w.string(entry.metric, "metric")
                try w.count(entry.labels.count, limit: w.limits.maxBatchCount, "labels")
                for label in entry.labels {
                    try w.string(label.name, "label.name")
                    try w.string(label.value, "label.value")
                }
                try w.string(entry.unit, "unit")
                w.svarint(Int64(entry.decimals))
                w.u8(entry.kind.rawValue)
            }
        case .samples(let batch):
            try SampleBatchEncoder(limits: w.limits).encode(batch, into: &w)
        case .events(let batch):
            try EventCodec.write(batch, into: &w)
        case .ack(let sequence):
            w.varint(sequence)
        case .policy(let policy):
            try w.string(policy.id, "policyID")
            w.svarint(policy.issuedAt)
            w.svarint(policy.leaseExpiresAt)
            w.fixedPoint(policy.greenScore)
            w.svarint(policy.feedUpdatedAt ?? 0)
            try w.optional(policy.siteBudgetShare) { (w: inout PayloadWriter, share: Milliwatts) throws(WireError) in
                w.svarint(share.value)
            }
            try RuleSetCodec.write(policy.rules, into: &w)
        case .policyAck(.applied(let id)):
            try w.string(id, "policyID")
            w.u8(0)
        case .policyAck(.rejected(let id, let reason)):
            try w.string(id, "policyID")
            w.u8(1)
            try w.string(reason, "reason")
        case .ping(let sentAt):
            w.svarint(sentAt)
        case .pong(let pingSentAt, let sentAt):
            w.svarint(pingSentAt)
            w.svarint(sentAt)
        case .close(let close):
            w.varint(UInt64(close.code.rawValue))
            try w.string(close.reason, "reason")
        case .nodeInfo(let info):
            try w.string(info.site ?? "", "site")
            try w.string(info.row ?? "", "row")
            try w.string(info.rack ?? "", "rack")
            guard let count = UInt16(exactly: info.gpuCount) else { throw w.error(.unencodable("\(info.gpuCount) GPUs"), "gpuCount") }
            w.varint(UInt64(count))
            for power in [info.safeCap, info.lowestEnforceable, info.highestEnforceable] {
                w.svarint(max(0, power?.value ?? 0))
            }
        }
    }
}
