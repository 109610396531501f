/// A parsed TOML value together with the 1-based source line where it was written.
///
/// Config validation reports errors by line, so every value and every key remembers where it came from.
public struct TOMLValue: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case string(String)
        case integer(Int64)
        case float(Double)
        case boolean(Bool)
        /// Offset/local date-times, dates and times, kept as their RFC 3339 text.
        case datetime(String)
        case array([TOMLValue])
        case table(TOMLTable)
    }

    public var kind: Kind
    public var line: Int

    public init(_ kind: Kind, line: Int) {
        self.kind = kind
        self.line = line
    }

    /// A short noun for error messages: "string", "integer", "table", ...
    public var typeName: String {
        switch kind {
        case .string: "string"
        case .integer: "integer"
        case .float: "float"
        case .boolean: "boolean"
        case .datetime: "date-time"
        case .array: "array"
        case .table: "table"
        }
    }
}

/// An ordered TOML table. Keys keep their insertion order so that diagnostics come out in file order.
public struct TOMLTable: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var key: String
        /// Line where the key itself was written (for a table header, the header's line).
        public var keyLine: Int
        public var value: TOMLValue
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    public subscript(key: String) -> TOMLValue? {
        entries.first { $0.key == key }?.value
    }

    public func entry(_ key: String) -> Entry? {
        entries.first { $0.key == key }
    }

    public var keys: [String] { entries.map(\.key) }

    mutating func set(_ key: String, keyLine: Int, value: TOMLValue) {
        if let index = entries.firstIndex(where: { $0.key == key }) {
            entries[index].value = value
        } else {
            entries.append(Entry(key: key, keyLine: keyLine, value: value))
        }
    }
}

/// A syntax error, with the 1-based line and column where the parser gave up.
public struct TOMLSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String

    public var description: String { "line \(line), column \(column): \(message)" }
}
