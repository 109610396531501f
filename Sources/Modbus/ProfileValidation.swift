import GreencapConfig

/// Checks that need the whole profile: references, block coverage, overlaps.
struct ProfileValidation {
    let profile: DeviceProfile
    let diagnostics: Diagnostics

    func run() {
        if profile.points.isEmpty { diagnostics.report(line: nil, key: "point", "a profile needs at least one [[point]]") }
        if profile.blocks.isEmpty { diagnostics.report(line: nil, key: "block", "a profile needs at least one [[block]]") }
        checkIdentifiers()
        checkReferences()
        checkBlocks()
        checkCoverageAndOverlaps()
    }

    private func key(_ index: Int, _ field: String) -> String { "point[\(index + 1)].\(field)" }

    private func checkIdentifiers() {
        var seen: [String: Int] = [:]
        for (index, point) in profile.points.enumerated() {
            if let first = seen[point.id] {
                diagnostics.report(line: point.line(of: "id"), key: key(index, "id"), "id \"\(point.id)\" is already used by the point on line \(first)")
            } else {
                seen[point.id] = point.line
            }
        }
        var blocks: Set<String> = []
        for (index, block) in profile.blocks.enumerated() where !blocks.insert(block.id).inserted {
            diagnostics.report(line: block.line, key: "block[\(index + 1)].id", "block id \"\(block.id)\" is used twice")
        }
    }

    private func checkReferences() {
        for (index, point) in profile.points.enumerated() {
            if case .scaleRegister(let name) = point.scaling { checkReference(from: index, field: "scale_register", to: name) }
            if let name = point.percentOf { checkReference(from: index, field: "percent_of", to: name) }
            if case .fromPoint(let name, _) = point.repetition?.count { checkReference(from: index, field: "repeat.count_from", to: name) }
            if let repetition = point.repetition, repetition.maximum > 1, repetition.stride < point.registerCount {
                diagnostics.report(
                    line: point.line(of: "repeat"), key: key(index, "repeat.stride"),
                    "stride \(repetition.stride) is shorter than the \(point.registerCount) register(s) each entity spans, so entities overlap")
            }
        }
    }

    /// A referenced point must be a plain number: one value, not repeated, not itself derived.
    private func checkReference(from index: Int, field: String, to name: String) {
        let line = profile.points[index].line(of: field.split(separator: ".").first.map(String.init) ?? field)
        guard let target = profile.point(named: name) else {
            diagnostics.report(line: line, key: key(index, field), "no point has id \"\(name)\"")
            return
        }
        if target.repetition != nil {
            diagnostics.report(line: line, key: key(index, field), "\"\(name)\" repeats per entity; a reference must name a single value")
        }
        if case .scaleRegister = target.scaling, field == "scale_register" {
            diagnostics.report(line: line, key: key(index, field), "\"\(name)\" is itself scaled by another register; a scale factor must be a plain number")
        }
        if target.percentOf != nil {
            diagnostics.report(line: line, key: key(index, field), "\"\(name)\" is itself a percentage of another point; reference its source instead")
        }
        if [.string, .bits, .bool].contains(target.dataType) {
            diagnostics.report(line: line, key: key(index, field), "\"\(name)\" is a \(target.dataType.rawValue), not a number")
        }
    }

    private func checkBlocks() {
        for type in RegisterType.allCases {
            let blocks = profile.blocks.filter { $0.registerType == type }.sorted { $0.start < $1.start }
            for (first, second) in zip(blocks, blocks.dropFirst()) where second.start < first.end {
                diagnostics.report(
                    line: second.line, key: "block \(second.id)",
                    "overlaps block \(first.id) (\(type.rawValue) \(first.start)..<\(first.end)); the same registers would be read twice")
            }
        }
    }

    private func checkCoverageAndOverlaps() {
        struct Span { var range: Range<Int>; var type: RegisterType; var point: Int; var entity: Int }
        var spans: [Span] = []
        for (index, point) in profile.points.enumerated() {
            for entity in 1...max(point.repetition?.maximum ?? 1, 1) {
                let range = point.registers(entity: entity)
                if range.upperBound > 65536 {
                    diagnostics.report(line: point.line(of: "address"), key: key(index, "address"), "entity \(entity) ends past address 65535")
                    break
                }
                spans.append(Span(range: range, type: point.registerType, point: index, entity: entity))
                if !profile.blocks.contains(where: { $0.contains(range, type: point.registerType) }) {
                    let which = point.repetition == nil ? "" : " (entity \(entity))"
                    diagnostics.report(
                        line: point.line(of: "address"), key: key(index, "address"),
                        "\(point.registerType.rawValue) \(range.lowerBound)..<\(range.upperBound)\(which) lies outside every [[block]] of that register type")
                    break
                }
            }
        }
        spans.sort { ($0.type.rawValue, $0.range.lowerBound) < ($1.type.rawValue, $1.range.lowerBound) }
        var reported: Set<Int> = []
        var widest: Span?
        for span in spans {
            let earlier = widest
            if let current = widest, current.type == span.type, span.range.upperBound <= current.range.upperBound {
            } else {
                widest = span
            }
            guard let earlier, earlier.type == span.type, span.range.lowerBound < earlier.range.upperBound else { continue }
            // Two points on exactly the same registers read one value two ways (a bit of a status word,
            // a percentage and the watts derived from it); a partial overlap is a map error.
            if earlier.range == span.range { continue }
            guard reported.insert(span.point).inserted else { continue }
            let a = profile.points[earlier.point], b = profile.points[span.point]
            diagnostics.report(
                line: b.line(of: "address"), key: key(span.point, "address"),
                "\(b.id) (\(span.range.lowerBound)..<\(span.range.upperBound)) partly overlaps \(a.id) (\(earlier.range.lowerBound)..<\(earlier.range.upperBound)) on line \(a.line)")
        }
    }
}
