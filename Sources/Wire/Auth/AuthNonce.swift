/// 32 random bytes per side per connection: a proof covers both, so a recorded exchange is worthless on the
/// next connection (the collector's nonce is new) and a collector cannot replay an agent's proof to another
/// collector session (the agent's nonce is new).
public struct AuthNonce: Sendable, Hashable {
    public static let byteCount = 32
    public let bytes: [UInt8]

    /// Exactly `byteCount` bytes, as read off the wire; shorter or longer input is padded or cut so that a
    /// value of this type always has the wire size.
    public init(bytes: [UInt8]) {
        self.bytes = Array((bytes + [UInt8](repeating: 0, count: Self.byteCount)).prefix(Self.byteCount))
    }

    public static func random() -> AuthNonce {
        var generator = SystemRandomNumberGenerator()
        return AuthNonce(bytes: (0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}

/// An HMAC-SHA256 tag over the handshake transcript.
public struct AuthProof: Sendable, Hashable {
    public static let byteCount = 32
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        self.bytes = Array((bytes + [UInt8](repeating: 0, count: Self.byteCount)).prefix(Self.byteCount))
    }
}
