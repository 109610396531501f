import Logging
import Synchronization

/// The log level in force for the whole process. Handlers read it on every event, so a reload that
/// changes `[log] level` takes effect at once without re-bootstrapping swift-log.
public final class LogLevelControl: Sendable {
    private let raw: Atomic<UInt8>

    public init(_ level: Logger.Level) {
        raw = Atomic(Self.encode(level))
    }

    public var level: Logger.Level {
        get { Self.decode(raw.load(ordering: .relaxed)) }
        set { raw.store(Self.encode(newValue), ordering: .relaxed) }
    }

    private static let order: [Logger.Level] = [.trace, .debug, .info, .notice, .warning, .error, .critical]

    private static func encode(_ level: Logger.Level) -> UInt8 {
        UInt8(order.firstIndex(of: level) ?? 2)
    }

    private static func decode(_ value: UInt8) -> Logger.Level {
        Int(value) < order.count ? order[Int(value)] : .info
    }
}
