import GreencapCore
import Modbus

/// What `greencap modbus read` prints, as a table or as JSON.
struct ModbusReadReport: Encodable {
    struct Entry: Encodable {
        var metric: String
        var entity: Int?
        var value: JSONValue?
        var unit: String
        var quality: String
        var reason: String?
    }

    struct PointEntry: Encodable {
        var point: String
        var value: JSONValue?
        var unit: String
        var state: String
        var verified: Bool
    }

    enum JSONValue: Encodable {
        case number(Double), flag(Bool), text(String)
        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .number(let value): try container.encode(value)
            case .flag(let value): try container.encode(value)
            case .text(let value): try container.encode(value)
            }
        }
    }

    var device: String
    var profile: String
    var endpoint: String
    var unit: UInt8
    var time: String
    var requests: Int
    var readings: [Entry]
    var points: [PointEntry]?
    var error: String?

    init(settings: ModbusDeviceSettings, endpoint: ModbusEndpoint, result: ModbusSinglePoll.Result, includeAll: Bool) {
        device = settings.name
        profile = settings.profile.id
        self.endpoint = endpoint.description
        unit = settings.unitID
        time = Timestamp.formatRFC3339(result.timestamp / 1000)
        requests = result.requests
        error = result.error
        readings = result.readings.map { reading in
            let value: JSONValue? = switch reading.value {
            case .number(let number)?: .number(number)
            case .flag(let flag)?: .flag(flag)
            case .text(let text)?: .text(text)
            case nil: nil
            }
            return Entry(
                metric: reading.metric.name, entity: reading.entity, value: value,
                unit: reading.metric.unit == .flag || reading.metric.unit == .text ? "" : reading.metric.unit.rawValue,
                quality: reading.quality.rawValue, reason: reading.reason)
        }
        guard includeAll, !result.values.isEmpty else { return }
        points = result.decoder.instances.enumerated().compactMap { index, instance in
            let point = result.decoder.profile.points[instance.point]
            let name = instance.entity.map { "\(point.id)[\($0)]" } ?? point.id
            let value: JSONValue?, state: String
            switch result.values[index] {
            case .number(let number): (value, state) = (.number(number), "ok")
            case .flag(let flag): (value, state) = (.flag(flag), "ok")
            case .text(let text): (value, state) = (.text(text), "ok")
            case .invalid(let reason): (value, state) = (nil, "invalid: \(reason)")
            case .missing: return nil
            }
            return PointEntry(point: name, value: value, unit: point.unit, state: state, verified: point.verified)
        }
    }

    var text: String {
        var lines = ["\(profile) at \(endpoint) unit \(unit) · \(time) · \(requests) request(s)"]
        if let error {
            lines.append("no reading: \(error)")
            return lines.joined(separator: "\n")
        }
        var rows = [["READING", "VALUE", "QUALITY"]]
        for entry in readings {
            let label = entry.entity.map { "\(entry.metric)[\($0)]" } ?? entry.metric
            rows.append([label, Self.show(entry.value, unit: entry.unit), entry.quality + (entry.reason.map { ": \($0)" } ?? "")])
        }
        lines.append(table(rows))
        if let points {
            var pointRows = [["POINT", "VALUE", "STATE"]]
            for entry in points {
                pointRows.append([entry.point + (entry.verified ? "" : " (unverified)"), Self.show(entry.value, unit: entry.unit), entry.state])
            }
            lines.append("")
            lines.append(table(pointRows))
        }
        return lines.joined(separator: "\n")
    }

    static func show(_ value: JSONValue?, unit: String) -> String {
        switch value {
        case .number(let number)?:
            let text = number == number.rounded() && abs(number) < 1e12 ? String(Int64(number)) : fixed(number, 3)
            return unit.isEmpty ? text : "\(text) \(unit)"
        case .flag(let flag)?: return flag ? "yes" : "no"
        case .text(let text)?: return "\"\(text)\""
        case nil: return "—"
        }
    }
}
