/// Why a series cannot be sent. Each case names the metric so a bad mapping can be found in the source data.
public enum SeriesValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The spec requires `__name__` with a non-empty value on every series.
    case missingMetricName(labels: [Label])
    case invalidMetricName(String)
    case invalidLabelName(metric: String, name: String)
    case duplicateLabelName(metric: String, name: String)
    case noSamples(metric: String)
    /// Receivers reject a series whose samples go back in time (or repeat a timestamp) within one request.
    case timestampsNotAscending(metric: String, index: Int, previous: Int64, timestamp: Int64)

    public var description: String {
        switch self {
        case .missingMetricName(let labels):
            let text = labels.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ",")
            return "series {\(text)} has no __name__ label"
        case .invalidMetricName(let name):
            return "metric name \"\(name)\" does not match [a-zA-Z_:][a-zA-Z0-9_:]*"
        case .invalidLabelName(let metric, let name):
            return "\(metric): label name \"\(name)\" does not match [a-zA-Z_][a-zA-Z0-9_]*"
        case .duplicateLabelName(let metric, let name):
            return "\(metric): label \"\(name)\" appears more than once"
        case .noSamples(let metric):
            return "\(metric): series has no samples"
        case .timestampsNotAscending(let metric, let index, let previous, let timestamp):
            return "\(metric): sample \(index) at \(timestamp) ms does not come after \(previous) ms"
        }
    }
}

/// The remote-write 1.0 rules a sender must keep, checked before encoding so a receiver's 400 is never the
/// first sign of a mapping bug.
public enum SeriesValidator {
    /// Returns the series as it goes on the wire: labels sorted by name (the spec requires it; receivers
    /// may rely on it to hash series), empty-valued labels dropped (Prometheus treats them as absent).
    public static func normalized(_ series: TimeSeries) throws(SeriesValidationError) -> TimeSeries {
        guard let name = series.labels.first(where: { $0.name == Label.metricName })?.value, !name.isEmpty else {
            throw .missingMetricName(labels: series.labels)
        }
        guard isMetricName(name) else { throw .invalidMetricName(name) }
        let labels = series.labels.filter { !$0.value.isEmpty }.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        for (index, label) in labels.enumerated() {
            guard isLabelName(label.name) else { throw .invalidLabelName(metric: name, name: label.name) }
            if index > 0 && labels[index - 1].name == label.name { throw .duplicateLabelName(metric: name, name: label.name) }
        }
        guard var previous = series.samples.first?.timestamp else { throw .noSamples(metric: name) }
        for (index, sample) in series.samples.enumerated().dropFirst() {
            guard sample.timestamp > previous else {
                throw .timestampsNotAscending(metric: name, index: index, previous: previous, timestamp: sample.timestamp)
            }
            previous = sample.timestamp
        }
        return TimeSeries(labels: labels, samples: series.samples)
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`, the 1.0 label name charset (2.0 widens it to UTF-8; receivers of 1.0 do not).
    public static func isLabelName(_ name: String) -> Bool {
        matches(name, colon: false)
    }

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`: metric names may also hold colons (recording-rule convention).
    public static func isMetricName(_ name: String) -> Bool {
        matches(name, colon: true)
    }

    private static func matches(_ name: String, colon: Bool) -> Bool {
        var first = true
        for byte in name.utf8 {
            let letter = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F || (colon && byte == 0x3A)
            let digit = byte >= 0x30 && byte <= 0x39
            guard letter || (digit && !first) else { return false }
            first = false
        }
        return !first
    }
}
