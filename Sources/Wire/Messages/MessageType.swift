/// The frame's type byte. Types from 0x80 up are extensions a receiver may skip; an unknown type below 0x80
/// is a protocol error (docs/protocol.md, "Compatibility").
public enum MessageType: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case hello = 0x01
    case challenge = 0x02
    case authResponse = 0x03
    case authResult = 0x04
    case seriesDictionary = 0x10
    case samples = 0x11
    case events = 0x12
    case ack = 0x13
    case policy = 0x20
    case policyAck = 0x21
    case ping = 0x30
    case pong = 0x31
    case close = 0x3F
    /// An extension (skippable by collectors that predate it): the node's placement and power facts.
    case nodeInfo = 0x80

    /// The first type a receiver skips when it does not know it.
    public static let firstIgnorable: UInt8 = 0x80

    public var description: String {
        switch self {
        case .hello: "hello"
        case .challenge: "challenge"
        case .authResponse: "auth-response"
        case .authResult: "auth-result"
        case .seriesDictionary: "series-dictionary"
        case .samples: "samples"
        case .events: "events"
        case .ack: "ack"
        case .policy: "policy"
        case .policyAck: "policy-ack"
        case .ping: "ping"
        case .pong: "pong"
        case .close: "close"
        case .nodeInfo: "node-info"
        }
    }
}
