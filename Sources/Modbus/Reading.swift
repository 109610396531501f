/// A normalised reading: a vendor-neutral metric in its canonical unit, with where and when it came from.
public struct Reading: Sendable, Equatable, CustomStringConvertible {
    public enum Value: Sendable, Equatable {
        case number(Double)
        case flag(Bool)
        case text(String)
    }

    public enum Quality: String, Sendable, Equatable {
        /// Read in the latest poll and within the device's valid range.
        case good
        /// The last good value, older than the device's `stale_after`: the device stopped answering.
        case stale
        /// The device answered "not available" (a sentinel, NaN), or a value it depends on did.
        case invalid
    }

    public var metric: Metric
    /// 1-based outlet, inlet or phase; nil for whole-device metrics.
    public var entity: Int?
    public var value: Value?
    public var quality: Quality
    /// Unix milliseconds when the registers were read.
    public var timestamp: Int64
    /// The device's name in the agent config (or the CLI's target).
    public var device: String
    /// Why the reading is invalid, for logs and `greencap modbus read`.
    public var reason: String?

    public var label: String { entity.map { "\(metric.name)[\($0)]" } ?? metric.name }

    public var number: Double? {
        if case .number(let value) = value { return value }
        return nil
    }

    public var description: String {
        let shown: String
        switch value {
        case .number(let number)?: shown = "\(number) \(metric.unit.rawValue)"
        case .flag(let flag)?: shown = "\(flag)"
        case .text(let text)?: shown = "\"\(text)\""
        case nil: shown = "-"
        }
        return "\(device) \(label) = \(shown) (\(quality.rawValue))"
    }
}

extension ProfileDecoder {
    /// The readings of every point that names a metric, converted to the metric's unit.
    public func readings(_ values: [PointValue], device: String, timestamp: Int64) -> [Reading] {
        var readings: [Reading] = []
        readings.reserveCapacity(instances.count)
        for (index, instance) in instances.enumerated() {
            guard let metric = metrics[instance.point] else { continue }
            var reading = Reading(
                metric: metric, entity: instance.entity, value: nil, quality: .good, timestamp: timestamp, device: device)
            switch values[index] {
            case .missing: continue
            case .number(let number): reading.value = .number(number * layouts[instance.point].unitFactor)
            case .flag(let flag): reading.value = .flag(flag)
            case .text(let text): reading.value = .text(text)
            case .invalid(let reason):
                reading.quality = .invalid
                reading.reason = reason
            }
            readings.append(reading)
        }
        return readings
    }
}
