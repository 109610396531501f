/// The protocol versions this build speaks (docs/protocol.md, "Versioning").
public enum WireVersion {
    /// The highest version this build speaks; frames after the handshake use the version both sides chose.
    public static let current: UInt8 = 1
    /// Every version this build can decode, offered in `hello` so a newer collector can pick the best match.
    public static let supported: [UInt8] = [1]
    /// `hello` and `challenge` always travel in version 1 frames, so that any build can read the offer
    /// before a version is agreed.
    public static let handshake: UInt8 = 1
}
