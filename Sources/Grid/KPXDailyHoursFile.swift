import GreencapCore

/// KPX's one-row-per-day files: a date and the day's 24 hour-ending values of one quantity (Jeju's hourly
/// solar and wind, data.go.kr 15127502, and hourly demand, 15065239). The header (`날짜,1시…24시`) often
/// names neither the quantity nor the unit, so the quantity must be stated, and the unit is read from the
/// values' size where the header gives none.
enum KPXDailyHoursFile {
    /// No Jeju quantity reaches 5,000 MW (its peak load is ~1.1 GW), and in kW none stays below it for a
    /// whole day except solar and wind on dark or calm days: the line between the two units.
    static let kiloThreshold = 5000.0

    static func parse(_ table: KPXTable, layout: KPXLayout, region: String, stated: FeedQuantity?) throws(FeedFileError) -> KPXImport {
        let file = table.file
        guard let dateColumn = table.map.first(.tradeDate) else {
            throw FeedFileError(file: file, line: table.headerNumber, field: "-", problem: "no date column")
        }
        let hourColumns = table.map.hours.compactMap { $0 }
        let names = hourColumns.map(table.field)
        var days: [(line: Int, start: Int64, values: [Double?])] = []
        var lineOfDay: [Int64: Int] = [:]
        var outOfOrder: [Int] = []
        for row in try table.rows() {
            let start = try KPXDate.dayStart(row.fields[dateColumn], file: file, line: row.line, field: table.map.fields[dateColumn])
            if let first = lineOfDay[start] {
                throw FeedFileError(
                    file: file, line: row.line, field: table.field(dateColumn),
                    problem: "duplicate date \(KPXDate.format(start)) (first on line \(first))")
            }
            lineOfDay[start] = row.line
            if let previous = days.last, start < previous.start { outOfOrder.append(row.line) }
            var values: [Double?] = []
            for (column, name) in zip(hourColumns, names) {
                values.append(try KPXNumber.parse(row.fields[column], file: file, line: row.line, field: name))
            }
            days.append((row.line, start, values))
        }

        let quantity = try resolveQuantity(layout: layout, stated: stated, days: days.map(\.values), table: table)
        var warnings: [String] = []
        let units = try rowUnits(days.map { ($0.line, $0.values) }, quantity: quantity, table: table, warnings: &warnings)
        // Checked in MW, so a release that switches unit part-way is not mistaken for a quantity that swings.
        let inMW = zip(days, units).map { day, unit in day.values.map { $0.map(unit.megawatts) } }
        if layout.quantity == nil, let stated, let profile = KPXValueProfile(days: inMW), profile.guess != stated {
            warnings.insert("imported as \(stated.rawValue) as stated, but the values look like \(profile.guess.rawValue): \(profile.evidence)", at: 0)
        }

        days.sort { $0.start < $1.start }
        var hours: [FeedHour] = []
        hours.reserveCapacity(days.count * 24)
        var lines: [SourceKey: Int] = [:]
        var negatives: [String] = []
        var blanks: [String] = []
        for (index, day) in days.enumerated() {
            for (offset, value) in day.values.enumerated() {
                let start = day.start + Int64(offset) * 3600
                let field = names[offset]
                guard let value else {
                    blanks.append("line \(day.line) \(field)")
                    continue
                }
                if value < 0 || (quantity == .demand && value == 0) {
                    guard quantity != .demand else {
                        throw FeedFileError(file: file, line: day.line, field: field, problem: "demand \(value) is not a possible load; leave a missing value blank")
                    }
                    negatives.append("line \(day.line) \(field): \(value)")
                }
                var hour = FeedHour(region: region, startUTC: start)
                hour[quantity] = units[index].megawatts(value)
                hours.append(hour)
                lines[SourceKey(start: start, field: .value(quantity))] = day.line
            }
        }
        if !negatives.isEmpty {
            warnings.append("\(negatives.count) negative value(s) kept as published (station consumption): \(sample(negatives))")
        }
        if !blanks.isEmpty { warnings.append("\(blanks.count) blank cell(s) left empty, not zero: \(sample(blanks))") }
        if !outOfOrder.isEmpty { warnings.append("rows out of date order at line(s) \(sample(outOfOrder.map(String.init))); imported by date") }
        if let first = days.first, let last = days.last {
            let expected = Int((last.start - first.start) / 86400) + 1
            if expected != days.count {
                let present = Set(days.map(\.start))
                let firstMissing = stride(from: first.start, through: last.start, by: 86400).first { !present.contains($0) } ?? first.start
                warnings.append(
                    "\(expected - days.count) day(s) missing between \(KPXDate.format(first.start)) and \(KPXDate.format(last.start)), first \(KPXDate.format(firstMissing)); not filled in")
            }
        }
        return KPXImport(
            file: file, layout: KPXLayout(kind: layout.kind, quantity: quantity, namesQuantity: layout.namesQuantity), region: region,
            hours: hours, warnings: warnings, lines: lines)
    }

    /// The header's quantity, else the stated one; neither is an error that suggests one from the values.
    static func resolveQuantity(layout: KPXLayout, stated: FeedQuantity?, days: [[Double?]], table: KPXTable) throws(FeedFileError) -> FeedQuantity {
        if let named = layout.quantity {
            if let stated, stated != named {
                throw FeedFileError(
                    file: table.file, line: table.headerNumber, field: "-",
                    problem: "the header names \(named.rawValue) but the file was stated to hold \(stated.rawValue)")
            }
            return named
        }
        if let stated { return stated }
        let hint = KPXValueProfile(days: days).map { " The values look like \($0.guess.rawValue) (\($0.evidence)); state it with --quantity \($0.guess.rawValue)." } ?? ""
        throw FeedFileError(
            file: table.file, line: table.headerNumber, field: "-",
            problem: "the header '\(table.map.fields.joined(separator: ","))' does not say whether the hours are solar, wind or demand.\(hint)")
    }

    /// Each row's unit: the header's where it spells one, else from the row's size. Demand is checked row by
    /// row, since KPX switched its Jeju demand from kW to MW part-way through a release; generation, which
    /// can be near zero all day, is judged over the whole file.
    static func rowUnits(_ rows: [(line: Int, values: [Double?])], quantity: FeedQuantity, table: KPXTable, warnings: inout [String]) throws(FeedFileError) -> [MWUnit] {
        func magnitude(_ values: [Double?]) -> Double {
            let present = values.compactMap { $0 }.map(abs).sorted()
            return present.isEmpty ? 0 : present[present.count / 2]
        }
        let hourColumns = table.map.hours.compactMap { $0 }
        if quantity == .demand {
            var units: [MWUnit] = []
            for row in rows {
                let rowUnit: MWUnit = magnitude(row.values) > kiloThreshold ? .kilo : .mega
                // A day whose cells straddle the line mixes units (or holds a typo): no scale makes it right.
                if let odd = row.values.firstIndex(where: { $0.map { ($0 > kiloThreshold) != (rowUnit == .kilo) } ?? false }) {
                    throw FeedFileError(
                        file: table.file, line: row.line, field: table.field(hourColumns[odd]),
                        problem: "\(row.values[odd] ?? 0) does not fit the row's other values, which are in \(rowUnit.name) (mixed units within a day)")
                }
                if let spelled = table.map.hourUnit, spelled != .giga, spelled != rowUnit {
                    throw FeedFileError(
                        file: table.file, line: row.line, field: "-",
                        problem: "the header says \(spelled.name) but this day's demand (median \(magnitude(row.values))) is in \(rowUnit.name): Jeju's load is 400–1,200 MW")
                }
                units.append(table.map.hourUnit ?? rowUnit)
            }
            if table.map.hourUnit == nil { warnings.append(unitWarning(rows.map(\.line), units)) }
            return units
        }
        if let spelled = table.map.hourUnit { return Array(repeating: spelled, count: rows.count) }
        let peak = rows.flatMap { $0.values.compactMap { $0 } }.map(abs).max() ?? 0
        guard peak > kiloThreshold else { return Array(repeating: .mega, count: rows.count) }
        warnings.append("no unit in the header and values up to \(peak): read as kW(h) and divided by 1000 (no Jeju \(quantity.rawValue) reaches \(Int(kiloThreshold)) MW)")
        return Array(repeating: .kilo, count: rows.count)
    }

    /// "read as kW" with the line ranges of each unit, so a release that switches units says where.
    static func unitWarning(_ lines: [Int], _ units: [MWUnit]) -> String {
        var runs: [(unit: MWUnit, first: Int, last: Int)] = []
        for (line, unit) in zip(lines, units) {
            if let last = runs.last, last.unit == unit {
                runs[runs.count - 1].last = line
            } else {
                runs.append((unit, line, line))
            }
        }
        let described = runs.map { "lines \($0.first)–\($0.last) in \($0.unit.name)" }.joined(separator: ", ")
        return "no unit in the header: demand unit read from each day's size (Jeju's load is 400–1,200 MW): \(described)"
            + (runs.contains { $0.unit == .kilo } ? "; kW divided by 1000" : "")
    }

    /// The first few of a list, with the count of the rest.
    static func sample(_ items: [String], first count: Int = 3) -> String {
        items.prefix(count).joined(separator: "; ") + (items.count > count ? "; … (\(items.count - count) more)" : "")
    }
}
