import GreencapCore

/// A moment in Unix milliseconds that the API writes as an RFC 3339 UTC string ("2023-05-01T03:00:00.000Z"):
/// people read the JSON, and every other time in the API is accepted in that form.
public struct APITime: Sendable, Equatable, Comparable, Encodable {
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }
    public init(seconds: Int64) { self.milliseconds = seconds.multipliedReportingOverflow(by: 1000).partialValue }

    public var text: String { Timestamp.formatRFC3339Milliseconds(milliseconds) }

    public static func < (a: APITime, b: APITime) -> Bool { a.milliseconds < b.milliseconds }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
