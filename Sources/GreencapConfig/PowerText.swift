import GreencapCore

/// Parses "5600 W", "5.6 kW", "750W", "0.2 MW" (to the milliwatt). Power in config files carries its unit
/// for the same reason durations do: "5600" alone could be watts or milliwatts, and a cap read 1000× too
/// high is a cap not applied.
public func parsePower(_ text: String) -> Milliwatts? {
    let units: [(suffix: String, milliwatts: Double)] = [("kW", 1e6), ("MW", 1e9), ("mW", 1), ("W", 1e3)]
    for unit in units where text.hasSuffix(unit.suffix) {
        var number = Substring(text.dropLast(unit.suffix.count))
        while number.last == " " { number = number.dropLast() }
        while number.first == " " { number = number.dropFirst() }
        guard let value = Double(number), value.isFinite, value >= 0, value * unit.milliwatts < 9e15 else { return nil }
        return Milliwatts(Int64((value * unit.milliwatts).rounded()))
    }
    return nil
}

extension TableReader {
    /// A power written as a string with a unit ("5600 W", "5.6 kW"), within `range`.
    package func power(_ key: String, in range: ClosedRange<Milliwatts>) -> Milliwatts? {
        let expected = "a power from \(range.lowerBound.wholeWattsText) to \(range.upperBound.wholeWattsText) such as \"5600 W\" or \"5.6 kW\""
        guard let entry = entry(key) else { return nil }
        guard case .string(let text) = entry.value.kind, let power = parsePower(text) else {
            wrongType(entry, expected: expected)
            return nil
        }
        guard range.contains(power) else {
            diagnostics.report(line: entry.value.line, key: keyPath(key), "expected \(expected), found \"\(text)\"")
            return nil
        }
        return power
    }
}
