import GreencapConfig
import TOML

/// Reads one `[[point]]` table, checking what can be checked without the rest of the profile.
struct PointReader {
    let reader: TableReader
    let defaults: ProfileLoader.Defaults

    func read() -> Point? {
        let id = reader.string("id")
        let metricName = reader.string("metric")
        let type = ProfileLoader.registerType(reader) ?? defaults.registerType
        let address = reader.integer("address", in: 0...65535)
        let dataType = reader.choice("type", from: DataType.allCases.map(\.rawValue)).flatMap(DataType.init(rawValue:))
        let byteOrder = ProfileLoader.endianness(reader, "byte_order") ?? defaults.byteOrder
        let wordOrder = ProfileLoader.endianness(reader, "word_order") ?? defaults.wordOrder
        let bit = reader.integer("bit", in: 0...31).map { Int($0) }
        let registers = reader.integer("registers", in: 1...125).map { Int($0) }
        let chars = reader.integer("chars_per_register", in: 1...2).map { Int($0) } ?? 2
        let unit = reader.string("unit") ?? ""
        let scaling = readScaling()
        let percentOf = reader.string("percent_of")
        let offset = reader.number("offset") ?? 0
        let invalid = reader.integers("invalid") ?? []
        let invalidBelow = reader.number("invalid_below")
        let invalidAbove = reader.number("invalid_above")
        let repetition = readRepetition()
        let entity = reader.choice("entity", from: ["outlet", "inlet", "phase"]).flatMap(Metric.Entity.init(rawValue:))
        let verified = reader.boolean("verified") ?? true
        let docRef = reader.string("doc_ref")
        _ = reader.string("notes")
        reader.finish()

        if id == nil { reader.missing("id", "a name unique in this profile") }
        if address == nil { reader.missing("address", "the first 0-based register address") }
        if reader.table.entry("type") == nil { reader.missing("type", DataType.allCases.map(\.rawValue).joined(separator: ", ")) }
        guard let id, let address, let dataType else { return nil }

        var metric: Metric?
        if let metricName {
            if let known = Metric.known[metricName] {
                metric = known
                if known.factor(from: unit) == nil {
                    let expected = known.unit == .flag || known.unit == .text ? "no unit" : "a unit convertible to \(known.unit.rawValue)"
                    reader.invalid(
                        "unit", "metric \(metricName) takes \(expected), the point publishes \"\(unit)\"")
                }
                if known.entity != nil && repetition == nil {
                    reader.invalid("metric", "metric \(metricName) is per \(known.entity?.rawValue ?? "entity"); add repeat = { count = N, stride = S }")
                }
                if let entity, let wanted = known.entity, entity != wanted {
                    reader.invalid("entity", "metric \(metricName) counts \(wanted.rawValue)s, not \(entity.rawValue)s")
                }
            } else {
                reader.invalid("metric", "unknown metric \"\(metricName)\"; known: \(Metric.known.keys.sorted().joined(separator: ", "))")
            }
        }

        let count = registerCount(dataType, registers: registers, type: type)
        if dataType == .bits && bit == nil { reader.missing("bit", "the bit number (0 = least significant)") }
        if dataType != .bits && bit != nil { reader.invalid("bit", "only points of type bits take a bit number") }
        if let bit, dataType == .bits, bit >= count * 16 {
            reader.invalid("bit", "bit \(bit) is outside a \(count)-register value")
        }
        if type.isBit != (dataType == .bool) {
            reader.invalid("type", type.isBit
                ? "\(type.rawValue) points are single bits: use type = \"bool\""
                : "type bool is for coils and discrete inputs; for a bit of a register use type = \"bits\" with bit = N")
        }
        let invalidRaw = sentinels(invalid, as: dataType)
        let isNumber = ![.string, .bits, .bool].contains(dataType)
        if !isNumber, scaling != .none || percentOf != nil { reader.invalid("type", "a \(dataType.rawValue) point cannot be scaled") }
        if let metric, (metric.unit == .text) != (dataType == .string) || (metric.unit == .flag) != [.bits, .bool].contains(dataType) {
            reader.invalid("type", "metric \(metric.name) is \(metric.unit.rawValue); a \(dataType.rawValue) point cannot carry it")
        }
        let effectiveEntity = entity ?? metric?.entity
        var point = Point(
            id: id, metric: metric, registerType: type, address: Int(address), dataType: dataType, registerCount: count,
            byteOrder: byteOrder, wordOrder: wordOrder, bit: dataType == .bits ? bit : nil, charsPerRegister: chars,
            unit: unit, scaling: scaling, percentOf: percentOf, offset: offset, invalidRaw: invalidRaw, invalidBelow: invalidBelow,
            invalidAbove: invalidAbove, repetition: repetition, entity: effectiveEntity, verified: verified, docRef: docRef,
            line: reader.line ?? 0)
        for entry in reader.table.entries { point.keyLines[entry.key] = entry.value.line }
        return point
    }

    /// Sentinels are written as the register bits (`0x8000`); a signed type compares its decoded value,
    /// so they are stored as that value (-32768). One outside the type's bits is a map error.
    private func sentinels(_ values: [Int64], as type: DataType) -> [Int64] {
        let bits: Int
        switch type {
        case .u16, .i16: bits = 16
        case .u32, .i32: bits = 32
        case .u64, .i64: return values
        default:
            if !values.isEmpty { reader.invalid("invalid", "only integer points take raw sentinels") }
            return []
        }
        let signed = type == .i16 || type == .i32
        let span = Int64(1) << Int64(bits)
        var result: [Int64] = []
        for value in values {
            let lowest = signed ? -(span / 2) : 0
            guard value >= lowest, value < span else {
                reader.invalid("invalid", "sentinel \(value) does not fit a \(type.rawValue)")
                continue
            }
            result.append(signed && value >= span / 2 ? value - span : value)
        }
        return result
    }

    private func registerCount(_ dataType: DataType, registers: Int?, type: RegisterType) -> Int {
        if let fixed = dataType.fixedRegisterCount {
            if let registers, registers != fixed {
                reader.invalid("registers", "a \(dataType.rawValue) spans \(fixed) register(s), not \(registers)")
            }
            return fixed
        }
        switch dataType {
        case .bits:
            let count = registers ?? 1
            if count > 2 { reader.invalid("registers", "a bit field is 1 (u16) or 2 (u32) registers, found \(count)") }
            return min(count, 2)
        default:
            guard let registers else {
                reader.missing("registers", "the number of registers the string spans")
                return 1
            }
            return registers
        }
    }

    private func readScaling() -> Scaling {
        var forms: [(String, Scaling)] = []
        if let factor = reader.number("multiplier") { forms.append(("multiplier", .multiplier(factor))) }
        if let divisor = reader.number("divisor") {
            if divisor == 0 { reader.invalid("divisor", "a divisor of 0 divides by zero") }
            forms.append(("divisor", .divisor(divisor == 0 ? 1 : divisor)))
        }
        if let exponent = reader.integer("pow10", in: -9...9) { forms.append(("pow10", .pow10(Int(exponent)))) }
        if let bits = reader.integer("binary_point", in: 0...31) { forms.append(("binary_point", .binaryPoint(Int(bits)))) }
        if let name = reader.string("scale_register") { forms.append(("scale_register", .scaleRegister(name))) }
        if forms.count > 1 {
            // Blame the form written last: the first is usually the intended one.
            let byLine = forms.sorted { (reader.table.entry($0.0)?.value.line ?? 0) < (reader.table.entry($1.0)?.value.line ?? 0) }
            reader.invalid(byLine[1].0, "a point takes one scaling form; this one has \(byLine.map(\.0).joined(separator: " and "))")
        }
        return forms.first?.1 ?? .none
    }

    private func readRepetition() -> Repetition? {
        guard let entry = reader.entry("repeat") else { return nil }
        guard case .table(let table) = entry.value.kind else {
            reader.wrongType(entry, expected: "an inline table such as { count = 24, stride = 2 }")
            return nil
        }
        let sub = TableReader(table: table, path: reader.keyPath("repeat"), line: entry.value.line, diagnostics: reader.diagnostics)
        let count = sub.integer("count", in: 1...1024)
        let source = sub.string("count_from")
        let maximum = sub.integer("max", in: 1...1024)
        let stride = sub.integer("stride", in: 0...65535)
        sub.finish()
        if stride == nil { sub.missing("stride", "the distance in registers between two entities") }
        let resolved: Repetition.Count
        switch (count, source) {
        case (let count?, nil): resolved = .fixed(Int(count))
        case (nil, let source?):
            guard let maximum else {
                sub.missing("max", "the most entities this model can have (count_from is capped by it)")
                return nil
            }
            resolved = .fromPoint(source, max: Int(maximum))
        case (_?, _?):
            sub.invalid("count_from", "give count or count_from, not both")
            return nil
        case (nil, nil):
            sub.missing("count", "the number of entities (or count_from = \"point-id\" with max = N)")
            return nil
        }
        guard let stride else { return nil }
        return Repetition(count: resolved, stride: Int(stride))
    }
}
