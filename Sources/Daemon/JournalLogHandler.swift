#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GreencapConfig
import GreencapCore
import Logging

/// swift-log handler writing one line per event to stderr.
///
/// Under systemd (`JOURNAL_STREAM` is set) each line starts with the `<N>` syslog priority prefix that
/// journald turns into the entry's PRIORITY, and carries no timestamp (journald adds its own). On a
/// terminal lines start with a UTC timestamp and the level instead.
public struct JournalLogHandler: LogHandler {
    public enum Style: Sendable { case journald, terminal }

    public var metadata: Logger.Metadata = [:]
    let label: String
    let style: Style
    let levelControl: LogLevelControl

    public init(label: String, level: LogLevelControl, style: Style = JournalLogHandler.detectStyle()) {
        self.label = label
        self.levelControl = level
        self.style = style
    }

    public var logLevel: Logger.Level {
        get { levelControl.level }
        set { levelControl.level = newValue }
    }

    public static func detectStyle() -> Style {
        getenv("JOURNAL_STREAM") != nil ? .journald : .terminal
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\(quoted($0.value.description))" }
        let body = ([event.message.description] + fields).joined(separator: " ")
        let line: String
        switch style {
        case .journald:
            line = "<\(Self.syslogPriority(event.level))>\(body)\n"
        case .terminal:
            line = "\(Self.utcNow()) \(event.level) \(label): \(body)\n"
        }
        // One write(2) per line keeps lines whole when several threads log at once.
        line.withCString { pointer in
            _ = write(STDERR_FILENO, pointer, strlen(pointer))
        }
    }

    static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    private static func utcNow() -> String {
        let now = Timestamp.nowMilliseconds()
        let seconds = now / 1000
        let millis = Int(now % 1000)
        let tail = String(millis + 1000).dropFirst()
        return "\(Timestamp.format(seconds, offsetSeconds: 0)):\(twoDigits(seconds % 60)).\(tail)Z"
    }

    private static func twoDigits(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
}

private func quoted(_ text: String) -> String {
    text.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) ? "\"" + text.replacing("\"", with: "\\\"") + "\"" : text
}

extension Logger.Level {
    public init(_ level: LogLevel) {
        switch level {
        case .trace: self = .trace
        case .debug: self = .debug
        case .info: self = .info
        case .notice: self = .notice
        case .warning: self = .warning
        case .error: self = .error
        case .critical: self = .critical
        }
    }
}
