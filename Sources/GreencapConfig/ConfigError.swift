/// One problem in a configuration file, located as precisely as the file allows.
public struct ConfigIssue: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based line; nil when the problem is a missing key (it has no line of its own).
    public var line: Int?
    /// Dotted key path, e.g. `control.tick`.
    public var key: String
    /// What was expected and what was found.
    public var problem: String

    public init(file: String, line: Int?, key: String, problem: String) {
        self.file = file
        self.line = line
        self.key = key
        self.problem = problem
    }

    /// `file:line: key 'a.b': problem`: the shape compilers use, so editors and grep can jump to it.
    public var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        return "\(location): key '\(key)': \(problem)"
    }
}

/// Why a configuration could not be loaded. Every issue in the file is listed, not just the first.
public enum ConfigError: Error, Sendable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case syntax(file: String, line: Int, column: Int, message: String)
    case invalid([ConfigIssue])

    public var issues: [ConfigIssue] {
        switch self {
        case .unreadable(let file, let reason):
            [ConfigIssue(file: file, line: nil, key: "-", problem: "cannot read the file: \(reason)")]
        case .syntax(let file, let line, let column, let message):
            [ConfigIssue(file: file, line: line, key: "-", problem: "TOML syntax error at column \(column): \(message)")]
        case .invalid(let issues):
            issues
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            "\(file): cannot read the configuration file: \(reason)"
        case .syntax(let file, let line, let column, let message):
            "\(file):\(line):\(column): TOML syntax error: \(message)"
        case .invalid(let issues):
            issues.map(\.description).joined(separator: "\n")
        }
    }
}
