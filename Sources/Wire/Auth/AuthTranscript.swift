import Crypto

/// What both proofs cover: a role label, the node id, both nonces and the agreed version.
///
/// The label differs per direction, so an agent's proof can never be reflected back as the collector's; the
/// version is inside, so a man in the middle cannot talk both sides down to an older one unnoticed.
public struct AuthTranscript: Sendable, Hashable {
    public enum Role: Sendable {
        case agent
        case collector

        var label: String {
            switch self {
            case .agent: "greencap-wire agent proof"
            case .collector: "greencap-wire collector proof"
            }
        }
    }

    public var nodeID: String
    public var clientNonce: AuthNonce
    public var serverNonce: AuthNonce
    public var version: UInt8

    public init(nodeID: String, clientNonce: AuthNonce, serverNonce: AuthNonce, version: UInt8) {
        self.nodeID = nodeID
        self.clientNonce = clientNonce
        self.serverNonce = serverNonce
        self.version = version
    }

    /// `label | 0x00 | len(node id) as u16 BE | node id | client nonce | server nonce | version`.
    public func bytes(for role: Role) -> [UInt8] {
        let node = Array(nodeID.utf8)
        let length = UInt16(clamping: node.count)
        var bytes = Array(role.label.utf8)
        bytes.append(0)
        bytes.append(UInt8(length >> 8))
        bytes.append(UInt8(length & 0xFF))
        bytes += node.prefix(Int(length))
        bytes += clientNonce.bytes
        bytes += serverNonce.bytes
        bytes.append(version)
        return bytes
    }

    public func proof(for role: Role, key: NodeKey) -> AuthProof {
        let tag = HMAC<SHA256>.authenticationCode(for: bytes(for: role), using: key.symmetricKey)
        return AuthProof(bytes: Array(tag))
    }

    /// Constant-time: swift-crypto compares the whole tag whatever the first differing byte.
    public func verify(_ proof: AuthProof, from role: Role, key: NodeKey) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(proof.bytes, authenticating: bytes(for: role), using: key.symmetricKey)
    }
}
