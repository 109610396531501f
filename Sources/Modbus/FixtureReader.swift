import GreencapConfig
import TOML

extension ProfileLoader {
    static func readFixture(_ reader: TableReader, defaults: Defaults) -> Fixture? {
        let source = reader.string("source") ?? ""
        if source.isEmpty { reader.missing("source", "where the registers came from (a capture, or \"constructed from …\")") }
        let tolerance = reader.number("tolerance") ?? 1e-6
        let modelAddress = reader.integer("sunspec_model_address", in: 0...65535).map { Int($0) }
        var reads: [Fixture.Read] = []
        for read in reader.tables("reads") {
            let type = registerType(read) ?? defaults.registerType
            let start = read.integer("start", in: 0...65535)
            let words = read.integers("words")
            read.finish()
            guard let start, let words else {
                if start == nil { read.missing("start", "the first address") }
                if words == nil { read.missing("words", "the register values") }
                continue
            }
            if let bad = words.firstIndex(where: { !(0...0xFFFF).contains($0) }) {
                read.invalid("words", "word \(bad + 1) (\(words[bad])) is not a 16-bit register value")
                continue
            }
            if Int(start) + words.count > 65536 {
                read.invalid("words", "\(words.count) words from \(start) run past address 65535")
                continue
            }
            reads.append(Fixture.Read(registerType: type, start: Int(start), words: words.map { UInt16($0) }))
        }
        var expect: [(key: String, value: Fixture.Expected, line: Int)] = []
        if let entry = reader.entry("expect") {
            if case .table(let table) = entry.value.kind {
                for item in table.entries {
                    let value: Fixture.Expected?
                    switch item.value.kind {
                    case .integer(let number): value = .number(Double(number))
                    case .float(let number): value = .number(number)
                    case .boolean(let flag): value = .flag(flag)
                    case .string(let text): value = text == "invalid" ? .invalid : .text(text)
                    default: value = nil
                    }
                    guard let value else {
                        reader.diagnostics.report(
                            line: item.value.line, key: reader.keyPath("expect.\(item.key)"),
                            "expected a number, a boolean, a string or \"invalid\", found \(item.value.typeName)")
                        continue
                    }
                    expect.append((item.key, value, item.value.line))
                }
            } else {
                reader.wrongType(entry, expected: "a table of point id = expected value")
            }
        } else {
            reader.missing("expect", "the values the registers must decode to")
        }
        reader.finish()
        return Fixture(
            source: source, reads: reads, expect: expect, tolerance: tolerance, sunspecModelAddress: modelAddress,
            line: reader.line ?? 0)
    }
}

/// Decodes every fixture with the profile and compares with what the fixture says the device meant.
struct FixtureCheck {
    let profile: DeviceProfile
    let diagnostics: Diagnostics

    func run() {
        let decoder = ProfileDecoder(profile: profile)
        for (number, fixture) in profile.fixtures.enumerated() {
            let base = fixture.sunspecModelAddress ?? 0
            if profile.sunspec != nil && fixture.sunspecModelAddress == nil {
                diagnostics.report(line: fixture.line, key: "fixture[\(number + 1)].sunspec_model_address", "a SunSpec fixture must say where its model starts")
                continue
            }
            let values = decoder.decode(fixture.image(), base: base)
            for expectation in fixture.expect {
                let where_ = "fixture[\(number + 1)].expect.\(expectation.key)"
                guard let index = decoder.instanceIndex(expectation.key) else {
                    diagnostics.report(line: expectation.line, key: where_, "no point (or entity) \(expectation.key) in this profile")
                    continue
                }
                if let problem = mismatch(values[index], expectation.value, tolerance: fixture.tolerance) {
                    diagnostics.report(line: expectation.line, key: where_, problem)
                }
            }
        }
    }

    private func mismatch(_ actual: PointValue, _ expected: Fixture.Expected, tolerance: Double) -> String? {
        switch (actual, expected) {
        case (.number(let value), .number(let wanted)):
            let allowed = max(abs(wanted) * tolerance, tolerance)
            return abs(value - wanted) <= allowed ? nil : "decodes to \(value), the fixture says \(wanted)"
        case (.flag(let value), .flag(let wanted)):
            return value == wanted ? nil : "decodes to \(value), the fixture says \(wanted)"
        case (.text(let value), .text(let wanted)):
            return value == wanted ? nil : "decodes to \"\(value)\", the fixture says \"\(wanted)\""
        case (.invalid, .invalid):
            return nil
        case (.missing, _):
            return "its registers are not in the fixture's reads"
        default:
            return "decodes to \(actual), the fixture says \(expected)"
        }
    }
}

extension ProfileDecoder {
    /// The instance named `id` or `id[k]`.
    public func instanceIndex(_ key: String) -> Int? {
        var name = Substring(key)
        var entity: Int?
        if name.hasSuffix("]"), let open = name.lastIndex(of: "[") {
            entity = Int(name[name.index(after: open)..<name.index(before: name.endIndex)])
            guard entity != nil else { return nil }
            name = name[..<open]
        }
        return instances.firstIndex { instance in
            profile.points[instance.point].id == name && instance.entity == entity
        }
    }
}
