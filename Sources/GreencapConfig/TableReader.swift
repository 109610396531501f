import GreencapCore
import TOML

/// Collects issues while a configuration is read, so one pass reports every mistake in the file.
package final class Diagnostics {
    package let file: String
    package private(set) var issues: [ConfigIssue] = []

    package init(file: String) { self.file = file }

    package func report(line: Int?, key: String, _ problem: String) {
        issues.append(ConfigIssue(file: file, line: line, key: key, problem: problem))
    }
}

/// Reads typed values out of one TOML table and remembers which keys were used; `finish()` reports the
/// rest as unknown, because a misspelt key silently ignored is a cap silently not applied.
package final class TableReader {
    package let table: TOMLTable
    package let path: String
    package let line: Int?
    package let diagnostics: Diagnostics
    private var known: [String] = []

    package init(table: TOMLTable, path: String, line: Int?, diagnostics: Diagnostics) {
        self.table = table
        self.path = path
        self.line = line
        self.diagnostics = diagnostics
    }

    package func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Marks `key` as known and returns its raw entry, for readers of shapes this file does not know.
    package func entry(_ key: String) -> TOMLTable.Entry? { lookup(key) }

    /// Reports that `entry` holds the wrong kind of value.
    package func wrongType(_ entry: TOMLTable.Entry, expected: String) { mismatch(entry, expected) }

    /// Marks `key` as known and returns its entry, if present.
    private func lookup(_ key: String) -> TOMLTable.Entry? {
        known.append(key)
        return table.entry(key)
    }

    private func mismatch(_ entry: TOMLTable.Entry, _ expected: String) {
        diagnostics.report(
            line: entry.value.line, key: keyPath(entry.key),
            "expected \(expected), found \(entry.value.typeName) \(render(entry.value))")
    }

    package func missing(_ key: String, _ expected: String) {
        diagnostics.report(
            line: line, key: keyPath(key), "required key is missing; expected \(expected)")
    }

    package func invalid(_ key: String, _ problem: String) {
        diagnostics.report(line: table.entry(key)?.value.line ?? line, key: keyPath(key), problem)
    }

    // MARK: Typed reads

    package func string(_ key: String, expected: String = "a string") -> String? {
        guard let entry = lookup(key) else { return nil }
        guard case .string(let text) = entry.value.kind else {
            mismatch(entry, expected)
            return nil
        }
        return text
    }

    package func integer(_ key: String, in range: ClosedRange<Int64>, unit: String = "") -> Int64? {
        guard let entry = lookup(key) else { return nil }
        let suffix = unit.isEmpty ? "" : " \(unit)"
        let expected = "an integer from \(range.lowerBound) to \(range.upperBound)\(suffix)"
        guard case .integer(let number) = entry.value.kind else {
            mismatch(entry, expected)
            return nil
        }
        guard range.contains(number) else {
            diagnostics.report(line: entry.value.line, key: keyPath(key), "expected \(expected), found \(number)")
            return nil
        }
        return number
    }

    /// A float, or an integer read as one.
    package func number(_ key: String) -> Double? {
        guard let entry = lookup(key) else { return nil }
        switch entry.value.kind {
        case .float(let number) where number.isFinite: return number
        case .integer(let number): return Double(number)
        default:
            mismatch(entry, "a finite number")
            return nil
        }
    }

    package func boolean(_ key: String) -> Bool? {
        guard let entry = lookup(key) else { return nil }
        guard case .boolean(let flag) = entry.value.kind else {
            mismatch(entry, "true or false")
            return nil
        }
        return flag
    }

    /// A duration written as a string with a unit: "250ms", "1s", "5m", "1h".
    package func duration(_ key: String, in range: ClosedRange<Duration>) -> Duration? {
        let expected = "a duration from \(format(range.lowerBound)) to \(format(range.upperBound)) such as \"1s\" or \"250ms\""
        guard let entry = lookup(key) else { return nil }
        guard case .string(let text) = entry.value.kind, let duration = parseDuration(text) else {
            mismatch(entry, expected)
            return nil
        }
        guard range.contains(duration) else {
            diagnostics.report(line: entry.value.line, key: keyPath(key), "expected \(expected), found \"\(text)\"")
            return nil
        }
        return duration
    }

    /// One of a fixed set of words.
    package func choice(_ key: String, from choices: [String]) -> String? {
        let expected = "one of " + choices.map { "\"\($0)\"" }.joined(separator: ", ")
        guard let text = string(key, expected: expected) else { return nil }
        guard choices.contains(text) else {
            invalid(key, "expected \(expected), found \"\(text)\"")
            return nil
        }
        return text
    }

    /// A file or directory path: any non-empty string.
    package func path(_ key: String, expected: String) -> String? {
        guard let text = string(key, expected: expected) else { return nil }
        guard !text.isEmpty else {
            invalid(key, "expected \(expected), found an empty string")
            return nil
        }
        return text
    }

    /// A name usable as an identifier (node, site, row, rack).
    package func name(_ key: String) -> String? {
        guard let text = string(key) else { return nil }
        guard NodeIdentity.isValidName(text) else {
            invalid(key, "expected 1 to 64 characters from A-Z a-z 0-9 - _ ., found \"\(text)\"")
            return nil
        }
        return text
    }

    /// A sub-table; absent tables read as empty so their keys take defaults.
    package func table(_ key: String) -> TableReader {
        let child = keyPath(key)
        guard let entry = lookup(key) else {
            return TableReader(table: TOMLTable(), path: child, line: nil, diagnostics: diagnostics)
        }
        guard case .table(let table) = entry.value.kind else {
            mismatch(entry, "a table ([\(child)])")
            return TableReader(table: TOMLTable(), path: child, line: entry.value.line, diagnostics: diagnostics)
        }
        return TableReader(table: table, path: child, line: entry.keyLine, diagnostics: diagnostics)
    }

    /// An array of tables (`[[point]]`, or an array of inline tables), one reader per element.
    package func tables(_ key: String) -> [TableReader] {
        guard let entry = lookup(key) else { return [] }
        guard case .array(let items) = entry.value.kind else {
            mismatch(entry, "an array of tables ([[\(keyPath(key))]])")
            return []
        }
        var readers: [TableReader] = []
        for (index, item) in items.enumerated() {
            let child = "\(keyPath(key))[\(index + 1)]"
            guard case .table(let table) = item.kind else {
                diagnostics.report(line: item.line, key: child, "expected a table, found \(item.typeName)")
                continue
            }
            readers.append(TableReader(table: table, path: child, line: item.line, diagnostics: diagnostics))
        }
        return readers
    }

    /// An array whose elements `element` converts; a wrong element is reported with its position.
    package func array<Element>(
        _ key: String, expected: String, _ element: (TOMLValue.Kind) -> Element?
    ) -> [Element]? {
        guard let entry = lookup(key) else { return nil }
        guard case .array(let items) = entry.value.kind else {
            mismatch(entry, "an array of \(expected)")
            return nil
        }
        var result: [Element] = []
        for (index, item) in items.enumerated() {
            guard let value = element(item.kind) else {
                diagnostics.report(
                    line: item.line, key: "\(keyPath(key))[\(index + 1)]",
                    "expected \(expected), found \(item.typeName) \(render(item))")
                return nil
            }
            result.append(value)
        }
        return result
    }

    package func strings(_ key: String) -> [String]? {
        array(key, expected: "strings") { if case .string(let text) = $0 { text } else { nil } }
    }

    package func integers(_ key: String) -> [Int64]? {
        array(key, expected: "integers") { if case .integer(let number) = $0 { number } else { nil } }
    }

    /// Reports every key of this table that no read asked for.
    package func finish() {
        for entry in table.entries where !known.contains(entry.key) {
            let choices = known.isEmpty ? "this table takes no keys" : "known keys here: " + known.joined(separator: ", ")
            diagnostics.report(line: entry.keyLine, key: keyPath(entry.key), "unknown key (\(choices))")
        }
    }
}

private func render(_ value: TOMLValue) -> String {
    switch value.kind {
    case .string(let text): "\"\(text)\""
    case .integer(let number): "\(number)"
    case .float(let number): "\(number)"
    case .boolean(let flag): "\(flag)"
    case .datetime(let text): text
    case .array(let items): "with \(items.count) element(s)"
    case .table: ""
    }
}

/// Parses "250ms", "1s", "1.5s", "5m", "2h".
public func parseDuration(_ text: String) -> Duration? {
    let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
    for unit in units where text.hasSuffix(unit.suffix) {
        let number = text.dropLast(unit.suffix.count).trimmingSpaces()
        guard let value = Double(number), value.isFinite, value >= 0 else { return nil }
        return .milliseconds(Int64((value * unit.seconds * 1000).rounded()))
    }
    return nil
}

/// Formats a duration the way config files write it.
public func format(_ duration: Duration) -> String {
    let milliseconds = duration.wholeMilliseconds
    if milliseconds % 3_600_000 == 0 && milliseconds > 0 { return "\(milliseconds / 3_600_000)h" }
    if milliseconds % 60_000 == 0 && milliseconds > 0 { return "\(milliseconds / 60_000)m" }
    if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
    return "\(milliseconds)ms"
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var text = self
        while text.last == " " { text = text.dropLast() }
        while text.first == " " { text = text.dropFirst() }
        return text
    }
}
