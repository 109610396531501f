import Controller
import GreencapCore
import NIOCore

/// Reads a message's body; the exact inverse of `MessageBodyEncoder`, and every body must be consumed whole.
enum MessageBodyDecoder {
    static func read(_ type: MessageType, from r: inout PayloadReader, registry: SeriesRegistry?) throws(WireError) -> WireMessage {
        let message: WireMessage
        switch type {
        case .hello:
            let nodeID = try r.string("nodeID")
            let agentVersion = try r.string("agentVersion")
            let count = try r.count("supportedVersions", limit: 255)
            let versions = try r.bytes(count, "supportedVersions")
            let nonce = AuthNonce(bytes: try r.bytes(AuthNonce.byteCount, "clientNonce"))
            message = .hello(.init(nodeID: nodeID, agentVersion: agentVersion, supportedVersions: versions, clientNonce: nonce))
        case .challenge:
            let version = try r.u8("version")
            message = .challenge(.init(version: version, serverNonce: AuthNonce(bytes: try r.bytes(AuthNonce.byteCount, "serverNonce"))))
        case .authResponse:
            message = .authResponse(AuthProof(bytes: try r.bytes(AuthProof.byteCount, "proof")))
        case .authResult:
            let at = r.offset
            switch try r.u8("outcome") {
            case 0:
                let proof = AuthProof(bytes: try r.bytes(AuthProof.byteCount, "serverProof"))
                message = .authResult(.accepted(serverProof: proof, lastStoredSequence: try r.varint("lastStoredSequence")))
            case 1:
                message = .authResult(.refused(reason: try r.string("reason")))
            case let other:
                throw r.error(.unknownCode(UInt64(other)), "outcome", at: at)
            }
        case .seriesDictionary:
            // Smallest entry: id, metric, label count, unit, decimals, kind: six bytes.
            let count = try r.count("entries", limit: r.limits.maxBatchCount, minimumElementBytes: 6)
            var entries: [SeriesDefinition] = []
            for _ in 0..<count {
                let id = try r.uint32("id")
                let metric = try r.string("metric")
                let labelCount = try r.count("labels", limit: r.limits.maxBatchCount, minimumElementBytes: 2)
                var labels: [SeriesDefinition.Label] = []
                for _ in 0..<labelCount {
                    let name = try r.string("label.name")
                    labels.append(.init(name, try r.string("label.value")))
                }
                let unit = try r.string("unit")
                let decimalsAt = r.offset
                let decimalsWide = try r.svarint("decimals")
                guard let decimals = Int8(exactly: decimalsWide) else {
                    throw r.error(.valueOutOfRange(UInt64(bitPattern: decimalsWide)), "decimals", at: decimalsAt)
                }
                let kindAt = r.offset
                let kindByte = try r.u8("kind")
                guard let kind = SeriesDefinition.Kind(rawValue: kindByte) else {
                    throw r.error(.unknownCode(UInt64(kindByte)), "kind", at: kindAt)
                }
                entries.append(.init(id: id, metric: metric, labels: labels, unit: unit, decimals: decimals, kind: kind))
            }
            message = .seriesDictionary(entries)
        case .samples:
            message = .samples(try SampleBatchDecoder(limits: r.limits).decode(from: &r, registry: registry))
        case .events:
            message = .events(try EventCodec.read(from: &r))
        case .ack:
            message = .ack(sequence: try r.varint("sequence"))
        case .policy:
            let id = try r.string("policyID")
            let issuedAt = try r.svarint("issuedAt")
            let lease = try r.svarint("leaseExpiresAt")
            let score = try r.fixedPoint("greenScore")
            let feedUpdatedAt = try r.svarint("feedUpdatedAt")
            let share = try r.optional("siteBudgetShare") { (r: inout PayloadReader) throws(WireError) in
                Milliwatts(try r.svarint("siteBudgetShare"))
            }
            message = .policy(
                NodePolicy(
                    id: id, issuedAt: issuedAt, leaseExpiresAt: lease, rules: try RuleSetCodec.read(from: &r), greenScore: score,
                    feedUpdatedAt: feedUpdatedAt, siteBudgetShare: share))
        case .policyAck:
            let id = try r.string("policyID")
            let at = r.offset
            switch try r.u8("outcome") {
            case 0: message = .policyAck(.applied(policyID: id))
            case 1: message = .policyAck(.rejected(policyID: id, reason: try r.string("reason")))
            case let other: throw r.error(.unknownCode(UInt64(other)), "outcome", at: at)
            }
        case .ping:
            message = .ping(sentAt: try r.svarint("sentAt"))
        case .pong:
            let pingSentAt = try r.svarint("pingSentAt")
            message = .pong(pingSentAt: pingSentAt, sentAt: try r.svarint("sentAt"))
        case .close:
            let code = CloseCode(rawValue: try r.uint16("code"))
            message = .close(.init(code: code, reason: try r.string("reason")))
        case .nodeInfo:
            message = .nodeInfo(try readNodeInfo(&r))
        }
        try r.finish()
        return message
    }

    private static func readNodeInfo(_ r: inout PayloadReader) throws(WireError) -> NodeInfo {
        func name(_ field: String) throws(WireError) -> String? {
            let text = try r.string(field)
            return text.isEmpty ? nil : text
        }
        func power(_ field: String) throws(WireError) -> Milliwatts? {
            let at = r.offset
            let value = try r.svarint(field)
            guard value >= 0 else { throw r.error(.valueOutOfRange(UInt64(bitPattern: value)), field, at: at) }
            return value == 0 ? nil : Milliwatts(value)
        }
        let site = try name("site")
        let row = try name("row")
        let rack = try name("rack")
        let gpuCount = Int(try r.uint16("gpuCount"))
        return NodeInfo(
            site: site, row: row, rack: rack, gpuCount: gpuCount, safeCap: try power("safeCap"),
            lowestEnforceable: try power("lowestEnforceable"), highestEnforceable: try power("highestEnforceable"))
    }
}
