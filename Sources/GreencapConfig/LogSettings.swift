/// Log verbosity, spelled as swift-log and journald users expect.
public enum LogLevel: String, Sendable, CaseIterable {
    case trace, debug, info, notice, warning, error, critical
}

public struct LogSettings: Sendable, Equatable {
    public var level: LogLevel = .info

    public init(level: LogLevel = .info) { self.level = level }

    static func read(_ table: TableReader) -> LogSettings {
        var settings = LogSettings()
        if let word = table.choice("level", from: LogLevel.allCases.map(\.rawValue)), let level = LogLevel(rawValue: word) {
            settings.level = level
        }
        table.finish()
        return settings
    }
}
