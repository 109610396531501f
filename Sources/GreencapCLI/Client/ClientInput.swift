import ArgumentParser
import Collector
import GreencapConfig
import GreencapCore

/// Flag values the operator commands share: powers with units and spans of time. A value that does not
/// parse is a usage error (exit 64) naming the flag and an example, before anything is sent.
enum ClientInput {
    /// "40kW", "40 kW", "750W", "0.2 MW"; a bare number is watts.
    static func watts(_ text: String, flag: String) throws -> Double {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let number = Double(trimmed), number.isFinite, number > 0 { return number }
        guard let power = parsePower(trimmed), power.value > 0 else {
            throw ValidationError("\(flag): expected a power such as 40kW, 750W or 40000, found '\(text)'")
        }
        return Double(power.value) / 1000
    }

    /// "4h", "90m", "2d", "45s" in whole seconds.
    static func seconds(_ text: String, flag: String) throws -> Int64 {
        let units: [Character: Int64] = ["d": 86400, "h": 3600, "m": 60, "s": 1]
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let last = trimmed.last, let unit = units[last], let count = Double(trimmed.dropLast()), count.isFinite, count > 0,
            count * Double(unit) < 1e10
        else {
            throw ValidationError("\(flag): expected a duration such as 4h, 90m, 2d or 45s, found '\(text)'")
        }
        return Int64((count * Double(unit)).rounded())
    }

    /// A power for tables: "40 kW", "5.6 kW", "350 W".
    static func power(_ watts: Double?) -> String {
        guard let watts else { return "-" }
        if watts >= 1000 {
            let kilowatts = watts / 1000
            return kilowatts == kilowatts.rounded() ? "\(Int(kilowatts)) kW" : "\((kilowatts * 10).rounded() / 10) kW"
        }
        return "\(Int(watts.rounded())) W"
    }

    /// An API time as a table shows it: RFC 3339 UTC to the second.
    static func time(_ time: APITime?) -> String {
        time.map { Timestamp.formatRFC3339($0.milliseconds.floorDivided(by: 1000)) } ?? "-"
    }

    /// The API's RFC 3339 times without the milliseconds, for tables.
    static func time(_ text: String?) -> String {
        guard let text else { return "-" }
        guard let dot = text.firstIndex(of: "."), text.hasSuffix("Z") else { return text }
        return String(text[..<dot]) + "Z"
    }
}
