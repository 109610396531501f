import GreencapCore

/// JSON and Influx line protocol for the same samples: not used on the wire, only to show what the binary
/// encoding saves (`greencap wire size`). Both are the compact forms a careful implementer would choose, so
/// the comparison is not against a straw man.
public enum TextEncodings {
    /// One document per batch, each series once with `[t, v]` pairs:
    /// `{"seq":1,"series":[{"metric":"…","labels":{…},"unit":"W","samples":[[1735689600000,512],…]},…]}`.
    public static func json(_ batch: SampleBatch, dictionary: [UInt32: SeriesDefinition]) -> String {
        var out = "{\"seq\":\(batch.sequence),\"series\":["
        for (columnIndex, column) in batch.columns.enumerated() {
            guard let definition = dictionary[column.seriesID] else { continue }
            if columnIndex > 0 { out += "," }
            out += "{\"metric\":\(JSONString.quoted(definition.metric)),\"labels\":{"
            out += definition.labels.map { "\(JSONString.quoted($0.name)):\(JSONString.quoted($0.value))" }.joined(separator: ",")
            out += "},\"unit\":\(JSONString.quoted(definition.unit)),\"samples\":["
            var first = true
            for (tick, value) in column.values.enumerated() {
                guard let value else { continue }
                out += (first ? "" : ",") + "[\(batch.timestamps[tick]),\(decimal(value, definition.decimals))]"
                first = false
            }
            out += "]}"
        }
        return out + "]}"
    }

    /// One line per measurement, label set and tick, fields sharing the line:
    /// `gpu,gpu=0 power_watts=512i,energy_joules=41000000i 1735689600000000000`.
    /// The measurement is the metric name up to its first underscore.
    public static func influxLines(_ batch: SampleBatch, dictionary: [UInt32: SeriesDefinition]) -> String {
        var out = ""
        for (tick, time) in batch.timestamps.enumerated() {
            var lines: [String: [String]] = [:]
            var order: [String] = []
            for column in batch.columns {
                guard let definition = dictionary[column.seriesID], let value = column.values[tick] else { continue }
                let parts = definition.metric.split(separator: "_", maxSplits: 1)
                let measurement = String(parts.first ?? "")
                let field = parts.count > 1 ? String(parts[1]) : "value"
                let key = ([measurement] + definition.labels.map { "\($0.name)=\($0.value)" }).joined(separator: ",")
                let text = definition.decimals > 0 ? decimal(value, definition.decimals) : "\(value)i"
                if lines[key] == nil { order.append(key) }
                lines[key, default: []].append("\(field)=\(text)")
            }
            for key in order { out += "\(key) \(lines[key, default: []].joined(separator: ",")) \(time)000000\n" }
        }
        return out
    }

    static func decimal(_ raw: Int64, _ decimals: Int8) -> String {
        guard decimals > 0 else { return decimals == 0 ? "\(raw)" : "\(raw)" + String(repeating: "0", count: Int(-decimals)) }
        let magnitude = String(raw.magnitude)
        let padded = String(repeating: "0", count: max(0, Int(decimals) + 1 - magnitude.count)) + magnitude
        let split = padded.index(padded.endIndex, offsetBy: -Int(decimals))
        return (raw < 0 ? "-" : "") + padded[..<split] + "." + padded[split...]
    }
}
