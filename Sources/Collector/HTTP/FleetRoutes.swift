import Hummingbird

/// `GET /api/v1/fleet/history`: the whole fleet's GPU power against its GPU limits step by step, with the
/// green score in force; `group=row|rack|node` adds the same per row, rack or node.
struct FleetRoutes: Sendable {
    let telemetry: (any TelemetryQueries)?
    /// [grid] region: whose green score the points carry.
    let region: String
    let now: @Sendable () -> Int64

    /// A chart is a few hundred pixels wide; more steps than this only cost the store time.
    static let maxSteps = 2000
    static let defaultSteps: Int64 = 240
    /// Raw chunks are decoded for every step; a month of minute rows is the most one request reads.
    static let maxSpanSeconds: Int64 = 31 * 24 * 3600

    func history(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let parameters = QueryParameters(request: request)
        let (from, to) = try parameters.range(defaultSpanSeconds: 3600, now: now())
        guard to - from <= Self.maxSpanSeconds else {
            throw APIError.badParameter("from", "the range is \((to - from) / 3600) h; at most \(Self.maxSpanSeconds / 3600) h per request")
        }
        let stepSeconds = try parameters.seconds("step", in: 1...(24 * 3600)) ?? max(1, (to - from + Self.defaultSteps - 1) / Self.defaultSteps)
        let grouping = try parameters.string("group").map { text throws(APIError) -> FleetHistoryQuery.Grouping in
            guard let grouping = FleetHistoryQuery.Grouping(rawValue: text) else {
                throw APIError.badParameter("group", "expected 'row', 'rack' or 'node', found '\(text)'")
            }
            return grouping
        }
        let query = FleetHistoryQuery(
            from: APITime(seconds: from), to: APITime(seconds: to), stepMilliseconds: stepSeconds * 1000, grouping: grouping, region: region)
        guard query.stepCount <= Self.maxSteps else {
            throw APIError.badParameter(
                "step", "\(stepSeconds)s over \(to - from)s is \(query.stepCount) steps; at most \(Self.maxSteps): use a step of at least \((to - from + Int64(Self.maxSteps) - 1) / Int64(Self.maxSteps))s")
        }
        guard let telemetry else { throw APIError.telemetryUnavailable }
        let history: FleetHistory
        do { history = try await telemetry.fleetHistory(query) } catch let error as APIError { throw error } catch { throw APIError.storeFailed(error) }
        return JSONResponse.make(history)
    }
}

extension QueryParameters {
    /// A duration in whole seconds, written "90s", "5m", "2h" (a bare number means seconds).
    func seconds(_ name: String, in range: ClosedRange<Int64>) throws(APIError) -> Int64? {
        guard let text = string(name) else { return nil }
        let units: [(suffix: Character, factor: Int64)] = [("s", 1), ("m", 60), ("h", 3600)]
        var digits = Substring(text)
        var factor: Int64 = 1
        if let last = digits.last, let unit = units.first(where: { $0.suffix == last }) {
            digits = digits.dropLast()
            factor = unit.factor
        }
        guard let count = Int64(digits), case let (value, overflow) = count.multipliedReportingOverflow(by: factor), !overflow,
            range.contains(value)
        else {
            throw .badParameter(name, "expected a duration from \(range.lowerBound)s to \(range.upperBound)s such as '60s', '5m' or '1h', found '\(text)'")
        }
        return value
    }
}
