import GreencapCore

/// A moment in Unix milliseconds that the API writes as an RFC 3339 UTC string ("2023-05-01T03:00:00.000Z"):
/// people read the JSON, and every other time in the API is accepted in that form.
public struct APITime: Sendable, Equatable, Comparable, Codable {
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }
    public init(seconds: Int64) { self.milliseconds = seconds.multipliedReportingOverflow(by: 1000).partialValue }

    public var text: String { Timestamp.formatRFC3339Milliseconds(milliseconds) }

    public static func < (a: APITime, b: APITime) -> Bool { a.milliseconds < b.milliseconds }

    /// Reads the API's own form back (the CLI decodes the collector's answers with it).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let milliseconds = Self.milliseconds(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected an RFC 3339 time such as 2023-05-01T03:00:00.000Z, found \"\(text)\"")
        }
        self.milliseconds = milliseconds
    }

    /// RFC 3339 to Unix milliseconds, keeping up to three digits of a fraction of a second.
    static func milliseconds(_ text: String) -> Int64? {
        guard let seconds = Timestamp.parseRFC3339(text) else { return nil }
        var fraction: Int64 = 0
        if let dot = text.firstIndex(of: ".") {
            let digits = text[text.index(after: dot)...].prefix { $0.isASCII && $0.isNumber }.prefix(3)
            fraction = (Int64(String(digits)) ?? 0) * [100, 10, 1][max(0, digits.count - 1)]
        }
        return seconds * 1000 + fraction
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
