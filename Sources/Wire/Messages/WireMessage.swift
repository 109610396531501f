import Controller
import GreencapCore

/// Everything that travels between an agent and the collector (docs/protocol.md, "Messages").
public enum WireMessage: Sendable, Hashable {
    case hello(Hello)
    case challenge(Challenge)
    case authResponse(AuthProof)
    case authResult(AuthResult)
    case seriesDictionary([SeriesDefinition])
    case samples(SampleBatch)
    case events(EventBatch)
    /// The highest sequence number below which the collector has stored every batch.
    case ack(sequence: UInt64)
    case policy(PolicyMessage)
    case policyAck(PolicyAck)
    case ping(sentAt: Int64)
    case pong(pingSentAt: Int64, sentAt: Int64)
    case close(CloseReason)
    case nodeInfo(NodeInfo)

    public var type: MessageType {
        switch self {
        case .hello: .hello
        case .challenge: .challenge
        case .authResponse: .authResponse
        case .authResult: .authResult
        case .seriesDictionary: .seriesDictionary
        case .samples: .samples
        case .events: .events
        case .ack: .ack
        case .policy: .policy
        case .policyAck: .policyAck
        case .ping: .ping
        case .pong: .pong
        case .close: .close
        case .nodeInfo: .nodeInfo
        }
    }

    /// The agent's opening: who it claims to be and a nonce the collector's proof must cover.
    public struct Hello: Sendable, Hashable {
        public var nodeID: String
        public var agentVersion: String
        public var supportedVersions: [UInt8]
        public var clientNonce: AuthNonce

        public init(nodeID: String, agentVersion: String, supportedVersions: [UInt8] = WireVersion.supported, clientNonce: AuthNonce) {
            self.nodeID = nodeID
            self.agentVersion = agentVersion
            self.supportedVersions = supportedVersions
            self.clientNonce = clientNonce
        }
    }

    /// The collector's answer: the version both speak, and a fresh nonce the agent's proof must cover.
    public struct Challenge: Sendable, Hashable {
        public var version: UInt8
        public var serverNonce: AuthNonce

        public init(version: UInt8, serverNonce: AuthNonce) {
            self.version = version
            self.serverNonce = serverNonce
        }
    }

    public enum AuthResult: Sendable, Hashable {
        /// The collector's own proof (so the agent knows it reached a collector holding its key) and the last
        /// sequence number stored for this node (0: none), so the agent resends only what is missing.
        case accepted(serverProof: AuthProof, lastStoredSequence: UInt64)
        /// Not authenticated by anything: the agent logs the reason and backs off, nothing more.
        case refused(reason: String)
    }

    public enum PolicyAck: Sendable, Hashable {
        case applied(policyID: String)
        case rejected(policyID: String, reason: String)
    }

    public struct CloseReason: Sendable, Hashable {
        public var code: CloseCode
        public var reason: String

        public init(code: CloseCode, reason: String) {
            self.code = code
            self.reason = reason
        }
    }
}

/// Why a side closes. A struct, not an enum: a code from a newer peer is still shown by number.
public struct CloseCode: RawRepresentable, Sendable, Hashable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let normal = CloseCode(rawValue: 0)
    public static let protocolError = CloseCode(rawValue: 1)
    public static let unsupportedVersion = CloseCode(rawValue: 2)
    public static let authenticationFailed = CloseCode(rawValue: 3)
    public static let limitExceeded = CloseCode(rawValue: 4)
    public static let shuttingDown = CloseCode(rawValue: 5)
    public static let overloaded = CloseCode(rawValue: 6)
    public static let unknownMessage = CloseCode(rawValue: 7)
}
