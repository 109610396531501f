/// The protocol version this build speaks (docs/protocol.md).
public enum WireVersion { public static let current: UInt8 = 1 }
