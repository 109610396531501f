import Synchronization

/// The configuration in force, shared between the services of a daemon. A reload swaps it whole, so a
/// reader sees either the old or the new configuration, never a mix.
public final class ConfigBox<Config: Sendable>: Sendable {
    private let value: Mutex<Config>

    public init(_ initial: Config) {
        value = Mutex(initial)
    }

    public var current: Config {
        value.withLock { $0 }
    }

    public func replace(with config: Config) {
        value.withLock { $0 = config }
    }
}
