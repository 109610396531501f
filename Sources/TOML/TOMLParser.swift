/// Parses a TOML 1.0 document into an ordered table whose keys and values carry their source lines.
///
/// Written for configuration files: exact about structure (duplicate keys, redefined tables, immutable
/// inline tables are errors), precise about positions, and small enough to read in one sitting.
public enum TOMLParser {
    public static func parse(_ text: String) throws(TOMLSyntaxError) -> TOMLTable {
        var parser = Parser(bytes: Array(text.utf8))
        return try parser.parseDocument()
    }
}

/// The mutable tree built while parsing; frozen into `TOMLTable` at the end.
private final class MutableTable {
    enum Origin { case root, header, implicit, dotted, inline }
    var origin: Origin
    var entries: [(key: String, line: Int, node: MutableNode)] = []
    var line: Int

    init(origin: Origin, line: Int) {
        self.origin = origin
        self.line = line
    }

    func node(_ key: String) -> MutableNode? { entries.first { $0.key == key }?.node }
}

private final class MutableTableArray {
    var tables: [MutableTable] = []
    let line: Int
    init(line: Int) { self.line = line }
}

private enum MutableNode {
    case value(TOMLValue)
    case table(MutableTable)
    case tableArray(MutableTableArray)

    func freeze() -> TOMLValue {
        switch self {
        case .value(let value):
            return value
        case .table(let table):
            return TOMLValue(.table(freeze(table)), line: table.line)
        case .tableArray(let array):
            let tables = array.tables.map { TOMLValue(.table(freeze($0)), line: $0.line) }
            return TOMLValue(.array(tables), line: array.line)
        }
    }

    private func freeze(_ table: MutableTable) -> TOMLTable {
        var result = TOMLTable()
        for entry in table.entries {
            result.set(entry.key, keyLine: entry.line, value: entry.node.freeze())
        }
        return result
    }
}

private struct Parser {
    let bytes: [UInt8]
    var index = 0
    var line = 1
    var lineStart = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    // MARK: Document structure

    mutating func parseDocument() throws(TOMLSyntaxError) -> TOMLTable {
        let root = MutableTable(origin: .root, line: 1)
        var current = root
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        while true {
            skipWhitespace()
            guard let byte = peek() else { break }
            switch byte {
            case UInt8(ascii: "#"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                try skipCommentAndNewline()
            case UInt8(ascii: "["):
                current = try parseHeader(root: root)
                try expectEndOfLine()
            default:
                try parseKeyValue(into: current)
                try expectEndOfLine()
            }
        }
        return MutableNode.table(root).freeze().tableValue ?? TOMLTable()
    }

    mutating func parseHeader(root: MutableTable) throws(TOMLSyntaxError) -> MutableTable {
        let headerLine = line
        advance()  // [
        let isArray = peek() == UInt8(ascii: "[")
        if isArray { advance() }
        skipWhitespace()
        let path = try parseKeyPath()
        skipWhitespace()
        try expect("]")
        if isArray { try expect("]") }

        var table = root
        for (depth, key) in path.dropLast().enumerated() {
            switch table.node(key) {
            case nil:
                let created = MutableTable(origin: .implicit, line: headerLine)
                table.entries.append((key, headerLine, .table(created)))
                table = created
            case .table(let existing) where existing.origin != .inline && existing.origin != .dotted:
                table = existing
            case .tableArray(let array):
                guard let last = array.tables.last else { throw error("empty table array '\(key)'") }
                table = last
            default:
                throw error("'\(path[0...depth].joined(separator: "."))' is already defined as a value, not a table")
            }
        }
        let last = path[path.count - 1]
        let name = path.joined(separator: ".")
        if isArray {
            let element = MutableTable(origin: .header, line: headerLine)
            switch table.node(last) {
            case nil:
                let array = MutableTableArray(line: headerLine)
                array.tables.append(element)
                table.entries.append((last, headerLine, .tableArray(array)))
            case .tableArray(let array):
                array.tables.append(element)
            default:
                throw error("'\(name)' is already defined and is not an array of tables")
            }
            return element
        }
        switch table.node(last) {
        case nil:
            let created = MutableTable(origin: .header, line: headerLine)
            table.entries.append((last, headerLine, .table(created)))
            return created
        case .table(let existing) where existing.origin == .implicit:
            existing.origin = .header
            existing.line = headerLine
            return existing
        default:
            throw error("table '\(name)' is defined more than once")
        }
    }

    mutating func parseKeyValue(into table: MutableTable) throws(TOMLSyntaxError) {
        let keyLine = line
        let path = try parseKeyPath()
        skipWhitespace()
        try expect("=")
        skipWhitespace()
        let value = try parseValue()
        var target = table
        for key in path.dropLast() {
            switch target.node(key) {
            case nil:
                let created = MutableTable(origin: .dotted, line: keyLine)
                target.entries.append((key, keyLine, .table(created)))
                target = created
            case .table(let existing) where existing.origin == .dotted:
                target = existing
            default:
                throw error("key '\(key)' is already defined; dotted keys cannot extend it")
            }
        }
        let last = path[path.count - 1]
        if target.node(last) != nil {
            throw error("key '\(path.joined(separator: "."))' is defined more than once")
        }
        target.entries.append((last, keyLine, value))
    }

    // MARK: Keys

    mutating func parseKeyPath() throws(TOMLSyntaxError) -> [String] {
        var path = [try parseSimpleKey()]
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: ".") else { return path }
            advance()
            skipWhitespace()
            path.append(try parseSimpleKey())
        }
    }

    mutating func parseSimpleKey() throws(TOMLSyntaxError) -> String {
        switch peek() {
        case UInt8(ascii: "\""):
            if startsWith("\"\"\"") { throw error("multi-line strings cannot be keys") }
            return try parseBasicString()
        case UInt8(ascii: "'"):
            if startsWith("'''") { throw error("multi-line strings cannot be keys") }
            return try parseLiteralString()
        default:
            let start = index
            while let byte = peek(), isBareKeyByte(byte) { advance() }
            guard index > start else { throw error("expected a key") }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
    }

    // MARK: Values

    mutating func parseValue() throws(TOMLSyntaxError) -> MutableNode {
        let valueLine = line
        guard let byte = peek() else { throw error("expected a value, found end of file") }
        switch byte {
        case UInt8(ascii: "\""):
            let text = startsWith("\"\"\"") ? try parseMultilineBasicString() : try parseBasicString()
            return .value(TOMLValue(.string(text), line: valueLine))
        case UInt8(ascii: "'"):
            let text = startsWith("'''") ? try parseMultilineLiteralString() : try parseLiteralString()
            return .value(TOMLValue(.string(text), line: valueLine))
        case UInt8(ascii: "["):
            return .value(TOMLValue(.array(try parseArray()), line: valueLine))
        case UInt8(ascii: "{"):
            let table = try parseInlineTable()
            return .table(table)
        default:
            return .value(try parseScalar())
        }
    }

    mutating func parseArray() throws(TOMLSyntaxError) -> [TOMLValue] {
        advance()  // [
        var elements: [TOMLValue] = []
        while true {
            try skipWhitespaceCommentsAndNewlines()
            if peek() == UInt8(ascii: "]") {
                advance()
                return elements
            }
            elements.append(try parseValue().freeze())
            try skipWhitespaceCommentsAndNewlines()
            switch peek() {
            case UInt8(ascii: ","): advance()
            case UInt8(ascii: "]"):
                advance()
                return elements
            default: throw error("expected ',' or ']' in array")
            }
        }
    }

    mutating func parseInlineTable() throws(TOMLSyntaxError) -> MutableTable {
        let table = MutableTable(origin: .dotted, line: line)
        advance()  // {
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            advance()
            table.origin = .inline
            return table
        }
        while true {
            skipWhitespace()
            try parseKeyValue(into: table)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): advance()
            case UInt8(ascii: "}"):
                advance()
                seal(table)
                return table
            default: throw error("expected ',' or '}' in inline table (inline tables must fit on one line)")
            }
        }
    }

    /// Inline tables, and tables created by dotted keys inside them, may not be extended later.
    private func seal(_ table: MutableTable) {
        table.origin = .inline
        for entry in table.entries {
            if case .table(let child) = entry.node { seal(child) }
        }
    }

    mutating func parseScalar() throws(TOMLSyntaxError) -> TOMLValue {
        let valueLine = line
        let start = index
        while let byte = peek(), !isValueTerminator(byte) {
            // A date-time may contain one space between date and time.
            if byte == UInt8(ascii: " ") { break }
            advance()
        }
        if peek() == UInt8(ascii: " "), looksLikeDate(bytes[start..<index]), index + 1 < bytes.count,
            isDigit(bytes[index + 1])
        {
            advance()
            while let byte = peek(), !isValueTerminator(byte), byte != UInt8(ascii: " ") { advance() }
        }
        let token = String(decoding: bytes[start..<index], as: UTF8.self)
        guard !token.isEmpty else { throw error("expected a value") }
        switch token {
        case "true": return TOMLValue(.boolean(true), line: valueLine)
        case "false": return TOMLValue(.boolean(false), line: valueLine)
        case "inf", "+inf": return TOMLValue(.float(.infinity), line: valueLine)
        case "-inf": return TOMLValue(.float(-.infinity), line: valueLine)
        case "nan", "+nan", "-nan": return TOMLValue(.float(.nan), line: valueLine)
        default: break
        }
        if looksLikeDate(token.utf8[...]) || looksLikeTime(token) {
            guard isValidDateTime(token) else { throw error("invalid date-time '\(token)'") }
            return TOMLValue(.datetime(token), line: valueLine)
        }
        if let integer = parseInteger(token) { return TOMLValue(.integer(integer), line: valueLine) }
        if let float = parseFloat(token) { return TOMLValue(.float(float), line: valueLine) }
        throw TOMLSyntaxError(line: valueLine, column: start - lineStart + 1, message: "invalid value '\(token)'")
    }

    // MARK: Strings

    mutating func parseBasicString() throws(TOMLSyntaxError) -> String {
        advance()  // "
        var out: [UInt8] = []
        while true {
            guard let byte = peek() else { throw error("unterminated string") }
            switch byte {
            case UInt8(ascii: "\""):
                advance()
                return try utf8String(out)
            case UInt8(ascii: "\\"):
                advance()
                try appendEscape(to: &out)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw error("newline in a single-line string; use \"\"\" for multi-line strings")
            default:
                if isControl(byte) { throw error("control character in string") }
                out.append(byte)
                advance()
            }
        }
    }

    mutating func parseMultilineBasicString() throws(TOMLSyntaxError) -> String {
        index += 3
        skipOneNewline()
        var out: [UInt8] = []
        while true {
            guard let byte = peek() else { throw error("unterminated multi-line string") }
            if startsWith("\"\"\"") { return try closeMultiline(quote: UInt8(ascii: "\""), content: &out) }
            switch byte {
            case UInt8(ascii: "\\"):
                advance()
                if trimLineEndingBackslash() { continue }
                try appendEscape(to: &out)
            case UInt8(ascii: "\n"):
                out.append(byte)
                newline()
            case UInt8(ascii: "\r") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\n"):
                advance()
            default:
                if isControl(byte) && byte != UInt8(ascii: "\t") { throw error("control character in string") }
                out.append(byte)
                advance()
            }
        }
    }

    /// After a backslash: if only whitespace follows up to a newline, swallow it and all leading space.
    mutating func trimLineEndingBackslash() -> Bool {
        var probe = index
        while probe < bytes.count, bytes[probe] == UInt8(ascii: " ") || bytes[probe] == UInt8(ascii: "\t") {
            probe += 1
        }
        guard probe < bytes.count, bytes[probe] == UInt8(ascii: "\n") || bytes[probe] == UInt8(ascii: "\r") else {
            return false
        }
        index = probe
        while let byte = peek() {
            if byte == UInt8(ascii: "\n") {
                newline()
            } else if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") {
                advance()
            } else {
                break
            }
        }
        return true
    }

    mutating func parseLiteralString() throws(TOMLSyntaxError) -> String {
        advance()  // '
        let start = index
        while true {
            guard let byte = peek() else { throw error("unterminated literal string") }
            if byte == UInt8(ascii: "'") {
                let text = try utf8String(Array(bytes[start..<index]))
                advance()
                return text
            }
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                throw error("newline in a literal string; use ''' for multi-line strings")
            }
            if isControl(byte) && byte != UInt8(ascii: "\t") { throw error("control character in string") }
            advance()
        }
    }

    mutating func parseMultilineLiteralString() throws(TOMLSyntaxError) -> String {
        index += 3
        skipOneNewline()
        var out: [UInt8] = []
        while true {
            guard let byte = peek() else { throw error("unterminated multi-line literal string") }
            if startsWith("'''") { return try closeMultiline(quote: UInt8(ascii: "'"), content: &out) }
            if byte == UInt8(ascii: "\n") {
                out.append(byte)
                newline()
            } else if byte == UInt8(ascii: "\r"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") {
                advance()
            } else {
                if isControl(byte) && byte != UInt8(ascii: "\t") { throw error("control character in string") }
                out.append(byte)
                advance()
            }
        }
    }

    /// At a closing delimiter: up to two extra quotes right before it belong to the content.
    mutating func closeMultiline(quote: UInt8, content out: inout [UInt8]) throws(TOMLSyntaxError) -> String {
        var quotes = 3
        while quotes < 5, index + quotes < bytes.count, bytes[index + quotes] == quote { quotes += 1 }
        out.append(contentsOf: repeatElement(quote, count: quotes - 3))
        index += quotes
        return try utf8String(out)
    }

    mutating func appendEscape(to out: inout [UInt8]) throws(TOMLSyntaxError) {
        guard let byte = peek() else { throw error("unterminated escape") }
        advance()
        switch byte {
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = byte == UInt8(ascii: "u") ? 4 : 8
            guard index + count <= bytes.count,
                let scalarValue = UInt32(String(decoding: bytes[index..<index + count], as: UTF8.self), radix: 16),
                let scalar = Unicode.Scalar(scalarValue)
            else { throw error("invalid unicode escape") }
            index += count
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
            throw error("invalid escape '\\\(Character(Unicode.Scalar(byte)))'")
        }
    }

    // MARK: Numbers and dates

    func parseInteger(_ token: String) -> Int64? {
        let prefixes: [(String, Int)] = [("0x", 16), ("0o", 8), ("0b", 2)]
        for (prefix, radix) in prefixes where token.hasPrefix(prefix) {
            let digits = String(token.dropFirst(2))
            guard validUnderscores(digits) else { return nil }
            return Int64(digits.replacingOccurrences("_"), radix: radix)
        }
        var digits = Substring(token)
        if digits.first == "+" || digits.first == "-" { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "_") }),
            validUnderscores(String(digits)), !(digits.count > 1 && digits.first == "0")
        else { return nil }
        return Int64(token.replacingOccurrences("_"))
    }

    func parseFloat(_ token: String) -> Double? {
        var body = Substring(token)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        guard body.allSatisfy({ $0.isASCII && ($0.isNumber || "_.eE+-".contains($0)) }),
            let first = body.first, first.isNumber
        else { return nil }
        let mantissaEnd = body.firstIndex(where: { $0 == "e" || $0 == "E" }) ?? body.endIndex
        let mantissa = body[..<mantissaEnd]
        let integerPart = mantissa.split(separator: ".", omittingEmptySubsequences: false)[0]
        guard !(integerPart.count > 1 && integerPart.first == "0") else { return nil }
        if let dot = mantissa.firstIndex(of: ".") {
            // Digits are required on both sides of the point.
            let fraction = mantissa[mantissa.index(after: dot)...]
            guard let fractionFirst = fraction.first, fractionFirst.isNumber, mantissa[mantissa.index(before: dot)].isNumber
            else { return nil }
        }
        guard validUnderscores(String(body)) else { return nil }
        return Double(token.replacingOccurrences("_"))
    }

    /// Each underscore must sit between two digits.
    func validUnderscores(_ text: String) -> Bool {
        let chars = Array(text)
        for (offset, char) in chars.enumerated() where char == "_" {
            guard offset > 0, offset < chars.count - 1, chars[offset - 1].isHexDigit, chars[offset + 1].isHexDigit
            else { return false }
        }
        return true
    }

    func looksLikeDate(_ token: some Collection<UInt8>) -> Bool {
        let prefix = Array(token.prefix(5))
        return prefix.count == 5 && prefix[0..<4].allSatisfy(isDigit) && prefix[4] == UInt8(ascii: "-")
    }

    func looksLikeTime(_ token: String) -> Bool {
        let prefix = Array(token.utf8.prefix(3))
        return prefix.count == 3 && isDigit(prefix[0]) && isDigit(prefix[1]) && prefix[2] == UInt8(ascii: ":")
    }

    func isValidDateTime(_ token: String) -> Bool {
        let allowed = Set("0123456789-:.TtZz+ ")
        return token.allSatisfy { allowed.contains($0) }
    }

    // MARK: Whitespace, comments, newlines

    mutating func skipWhitespace() {
        while let byte = peek(), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { advance() }
    }

    mutating func skipComment() throws(TOMLSyntaxError) {
        guard peek() == UInt8(ascii: "#") else { return }
        while let byte = peek(), byte != UInt8(ascii: "\n") {
            if byte == UInt8(ascii: "\r"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { break }
            if isControl(byte) && byte != UInt8(ascii: "\t") { throw error("control character in comment") }
            advance()
        }
    }

    mutating func skipCommentAndNewline() throws(TOMLSyntaxError) {
        try skipComment()
        try consumeNewline()
    }

    mutating func consumeNewline() throws(TOMLSyntaxError) {
        switch peek() {
        case nil: return
        case UInt8(ascii: "\n"): newline()
        case UInt8(ascii: "\r"):
            advance()
            guard peek() == UInt8(ascii: "\n") else { throw error("bare carriage return") }
            newline()
        default: throw error("expected end of line")
        }
    }

    mutating func expectEndOfLine() throws(TOMLSyntaxError) {
        skipWhitespace()
        guard let byte = peek() else { return }
        guard byte == UInt8(ascii: "#") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") else {
            throw error("unexpected '\(Character(Unicode.Scalar(byte)))' after value; one key = value per line")
        }
        try skipCommentAndNewline()
    }

    mutating func skipWhitespaceCommentsAndNewlines() throws(TOMLSyntaxError) {
        while true {
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: "#"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): try skipCommentAndNewline()
            default: return
            }
        }
    }

    mutating func skipOneNewline() {
        if peek() == UInt8(ascii: "\n") {
            newline()
        } else if startsWith("\r\n") {
            advance()
            newline()
        }
    }

    // MARK: Cursor

    func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func advance() { index += 1 }

    mutating func newline() {
        index += 1
        line += 1
        lineStart = index
    }

    func startsWith(_ text: String) -> Bool {
        let needle = Array(text.utf8)
        return index + needle.count <= bytes.count && Array(bytes[index..<index + needle.count]) == needle
    }

    mutating func expect(_ char: Character) throws(TOMLSyntaxError) {
        guard let ascii = char.asciiValue, peek() == ascii else { throw error("expected '\(char)'") }
        advance()
    }

    func error(_ message: String) -> TOMLSyntaxError {
        TOMLSyntaxError(line: line, column: index - lineStart + 1, message: message)
    }

    func utf8String(_ raw: [UInt8]) throws(TOMLSyntaxError) -> String {
        guard let text = String(validating: raw, as: UTF8.self) else { throw error("invalid UTF-8 in string") }
        return text
    }

    func isBareKeyByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "-")
    }

    func isValueTerminator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "#")
            || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\t")
    }

    func isControl(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x7F }
}

private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

extension TOMLValue {
    var tableValue: TOMLTable? {
        if case .table(let table) = kind { return table }
        return nil
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: Character) -> String { String(filter { $0 != target }) }
}
