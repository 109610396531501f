import GreencapCore
import Hummingbird

/// Reads query parameters, turning anything unusable into a 400 that names the parameter and shows an example.
struct QueryParameters {
    let request: Request

    func string(_ name: String) -> String? {
        guard let value = request.uri.queryParameters.get(name), !value.isEmpty else { return nil }
        return value
    }

    /// An RFC 3339 date-time, as Unix seconds.
    func time(_ name: String) throws(APIError) -> Int64? {
        guard let text = string(name) else { return nil }
        guard let seconds = Timestamp.parseRFC3339(text) else {
            throw .badParameter(name, "expected an RFC 3339 date-time such as 2023-05-01T00:00:00Z, found '\(text)'")
        }
        return seconds
    }

    func integer(_ name: String, in range: ClosedRange<Int>) throws(APIError) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw .badParameter(name, "expected a whole number from \(range.lowerBound) to \(range.upperBound), found '\(text)'")
        }
        return value
    }

    /// Whole hours, written "6h" or "2d" (a bare number means hours).
    func hours(_ name: String, in range: ClosedRange<Int>) throws(APIError) -> Int? {
        guard let text = string(name) else { return nil }
        var digits = Substring(text)
        var factor = 1
        if digits.hasSuffix("h") {
            digits = digits.dropLast()
        } else if digits.hasSuffix("d") {
            digits = digits.dropLast()
            factor = 24
        }
        guard let count = Int(digits), let hours = Optional(count.multipliedReportingOverflow(by: factor)), !hours.overflow,
            range.contains(hours.partialValue)
        else {
            throw .badParameter(name, "expected whole hours from \(range.lowerBound)h to \(range.upperBound)h such as '6h' or '2d', found '\(text)'")
        }
        return hours.partialValue
    }

    /// `from`/`to` with a default span ending now, refusing an empty or inverted range.
    func range(defaultSpanSeconds: Int64, now: Int64) throws(APIError) -> (from: Int64, to: Int64) {
        let to = try time("to") ?? now
        let from = try time("from") ?? (to - defaultSpanSeconds)
        guard from < to else { throw .badParameter("from", "must be earlier than 'to'") }
        return (from, to)
    }
}
