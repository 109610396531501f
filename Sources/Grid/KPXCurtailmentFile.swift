import GreencapCore

/// KPX's curtailment (출력제어) records, data.go.kr 15108268, in their three published shapes: Jeju's
/// hours of curtailed MWh (`구분,기준일,연도별 시행회차,1시…24시,총제어량`, `일자,횟수,1시간…24시간,총제어량`),
/// Jeju's day lists (`일자,횟수`), and the mainland's events with a province list and hours marked
/// `출력제어`. Days without curtailment have no row, so inside a file's first…last date a missing day is
/// "none" for every fuel the file covers; outside it the file says nothing.
public enum KPXCurtailmentFile {
    public struct Events: Sendable {
        public var events: [CurtailmentEvent]
        public var warnings: [String]
        /// The fuels the file speaks about: those of its rows, or the one it is about.
        public var fuels: Set<FeedQuantity>
    }

    /// The file's rows as events, checked (dates, hour cells, province names, duplicate days, totals and
    /// event numbers); `stated` is the fuel for a file whose header and rows do not name one.
    public static func events(_ text: String, file: String, quantity stated: FeedQuantity? = nil) throws(FeedFileError) -> Events {
        let (headerNumber, header) = try KPXFile.headerLine(text, file: file)
        let map = KPXHeaderMap(CSVFields.split(header))
        let layout = try map.layout(file: file, line: headerNumber, headerLine: header)
        guard [.curtailmentHours, .curtailmentDays, .curtailmentEvents].contains(layout.kind) else {
            throw FeedFileError(file: file, line: headerNumber, field: "-", problem: "a \(layout.kind.rawValue) file, not a curtailment record: header '\(header)'")
        }
        return try events(KPXTable(text: text, file: file, headerNumber: headerNumber, map: map), layout: layout, stated: stated)
    }

    static func events(_ table: KPXTable, layout: KPXLayout, stated: FeedQuantity?) throws(FeedFileError) -> Events {
        let file = table.file
        let map = table.map
        if stated == .demand {
            throw FeedFileError(file: file, line: table.headerNumber, field: "-", problem: "a curtailment file holds solar or wind curtailment, not demand")
        }
        if let named = layout.quantity, let stated, named != stated {
            throw FeedFileError(
                file: file, line: table.headerNumber, field: "-",
                problem: "the header names \(named.rawValue) curtailment but the file was stated to hold \(stated.rawValue)")
        }
        guard let dateColumn = map.first(.tradeDate) else {
            throw FeedFileError(file: file, line: table.headerNumber, field: "-", problem: "no date column")
        }
        let fuelColumn = map.first(.fuel)
        let regionColumn = map.first(.region)
        let numberColumn = map.first(.eventNumber)
        let totalColumn = map.first(.curtailedTotal)
        let hourColumns = map.hours.compactMap { $0 }
        let names = hourColumns.map(table.field)
        let unit = map.hourUnit ?? .mega
        guard fuelColumn != nil || layout.quantity != nil || stated != nil else {
            throw FeedFileError(
                file: file, line: table.headerNumber, field: "-",
                problem: "the header '\(map.fields.joined(separator: ","))' does not say which fuel was curtailed (태양광 or 풍력) and has no fuel column: state it with --quantity solar or --quantity wind")
        }

        var events: [CurtailmentEvent] = []
        var warnings: [String] = []
        var corrections: [String] = []
        var blanks: [String] = []
        var totals: [String] = []
        for row in try table.rows() {
            let day = try KPXDate.dayStart(row.fields[dateColumn], file: file, line: row.line, field: map.fields[dateColumn])
            let fuel = try rowFuel(row.fields, column: fuelColumn, named: layout.quantity ?? stated, table: table, line: row.line)
            var regions = [KPXLayout.jeju]
            if let regionColumn {
                let parsed = KPXRegion.codes(list: row.fields[regionColumn])
                if let name = parsed.unknown.first {
                    throw FeedFileError(file: file, line: row.line, field: table.field(regionColumn), problem: "unknown province '\(name)' in '\(row.fields[regionColumn])'")
                }
                guard !parsed.codes.isEmpty else {
                    throw FeedFileError(file: file, line: row.line, field: table.field(regionColumn), problem: "no province named")
                }
                corrections += parsed.corrected.map { "line \(row.line): \($0)" }
                regions = parsed.codes
            }
            var number: Int?
            if let numberColumn, let value = try KPXNumber.parse(row.fields[numberColumn], file: file, line: row.line, field: table.field(numberColumn)) {
                guard value >= 1, value == value.rounded() else {
                    throw FeedFileError(file: file, line: row.line, field: table.field(numberColumn), problem: "expected an event number 1, 2, …, found '\(row.fields[numberColumn])'")
                }
                number = Int(value)
            }
            var marks: [CurtailmentEvent.Mark] = []
            for (column, name) in zip(hourColumns, names) {
                marks.append(try mark(row.fields[column], unit: unit, file: file, line: row.line, field: name))
            }
            // A row whose hours are all blank names the day only (Jeju's solar rows); that is its meaning,
            // not damage. Blanks among filled hours are.
            let hours: [CurtailmentEvent.Mark]? = marks.allSatisfy { $0 == .blank } ? nil : marks
            if let hours {
                for (index, mark) in hours.enumerated() where mark == .blank { blanks.append("line \(row.line) \(names[index])") }
            }
            var total: Double?
            if let totalColumn, let value = try KPXNumber.parse(row.fields[totalColumn], file: file, line: row.line, field: table.field(totalColumn)) {
                guard value >= 0 else {
                    throw FeedFileError(file: file, line: row.line, field: table.field(totalColumn), problem: "negative curtailed energy \(value)")
                }
                total = unit.megawatts(value)
                if let hours, let gap = totalGap(hours, total: value, cells: hourColumns.map { row.fields[$0] } + [row.fields[totalColumn]], unit: unit) {
                    totals.append("line \(row.line) (\(KPXDate.format(day))): hours sum to \(gap.sum), \(table.field(totalColumn)) says \(value)")
                }
            }
            events.append(CurtailmentEvent(line: row.line, dayStartUTC: day, fuel: fuel, regions: regions, number: number, hours: hours, totalMWh: total))
        }
        try checkDuplicates(events, table: table, dateColumn: dateColumn)
        warnings += sequenceWarnings(events)
        if !corrections.isEmpty { warnings.append("province names corrected (misspellings in KPX's file): \(KPXDailyHoursFile.sample(corrections))") }
        if !blanks.isEmpty { warnings.append("\(blanks.count) blank hour cell(s) among filled ones read as unknown: \(KPXDailyHoursFile.sample(blanks))") }
        if !totals.isEmpty {
            warnings.append("\(totals.count) day(s) whose hours do not add up to the published total beyond rounding (hours kept as published): \(KPXDailyHoursFile.sample(totals))")
        }
        let fuels = Set(events.map(\.fuel))
        return Events(events: events, warnings: warnings, fuels: fuels)
    }

    /// The fuel of a row: its fuel column (`구분`: 풍력 / 태양광), which must agree with a named one.
    static func rowFuel(_ fields: [Substring], column: Int?, named: FeedQuantity?, table: KPXTable, line: Int) throws(FeedFileError) -> FeedQuantity {
        guard let column else {
            guard let named else {
                throw FeedFileError(file: table.file, line: line, field: "-", problem: "no fuel for this row: the file names none and none was stated")
            }
            return named
        }
        let cell = KPXColumn.key(fields[column])
        guard let fuel = KPXColumn.quantity(cell), fuel != .demand else {
            throw FeedFileError(file: table.file, line: line, field: table.field(column), problem: "expected 태양광 or 풍력, found '\(fields[column])'")
        }
        if let named, named != fuel {
            throw FeedFileError(file: table.file, line: line, field: table.field(column), problem: "a \(fuel.rawValue) row in a file stated to hold \(named.rawValue) curtailment")
        }
        return fuel
    }

    /// An hour cell: curtailed MWh, 0, the word 출력제어, or blank.
    static func mark(_ cell: Substring, unit: MWUnit, file: String, line: Int, field: String) throws(FeedFileError) -> CurtailmentEvent.Mark {
        let key = KPXColumn.key(cell)
        if KPXColumn.mentionsCurtailment(key) { return .curtailed(mw: nil) }
        guard let value = try KPXNumber.parse(cell, file: file, line: line, field: field) else { return .blank }
        guard value >= 0 else {
            throw FeedFileError(file: file, line: line, field: field, problem: "negative curtailed energy \(value)")
        }
        return value == 0 ? .none : .curtailed(mw: unit.megawatts(value))
    }

    /// The hours' sum when it misses the published total by more than rounding can explain: each cell and
    /// the total are rounded to the file's last decimal, so they may differ by half a step per term.
    static func totalGap(_ hours: [CurtailmentEvent.Mark], total: Double, cells: [Substring], unit: MWUnit) -> (sum: Double, total: Double)? {
        var sum = 0.0
        var terms = 1
        for case .curtailed(let mw?) in hours {
            sum += mw
            terms += 1
        }
        let decimals = cells.map { $0.split(separator: ".").dropFirst().first?.prefix { $0.isNumber }.count ?? 0 }.max() ?? 0
        var step = 1.0
        for _ in 0..<decimals { step /= 10 }
        let published = unit.megawatts(total)
        guard abs(sum - published) > unit.megawatts(step / 2 * Double(terms)) + 1e-9 else { return nil }
        let scale = 1000.0
        return ((sum * scale).rounded() / scale, published)
    }

    /// Two rows for one day and fuel that share a province say two different things about it.
    static func checkDuplicates(_ events: [CurtailmentEvent], table: KPXTable, dateColumn: Int) throws(FeedFileError) {
        struct Key: Hashable {
            var day: Int64
            var fuel: FeedQuantity
            var region: String
        }
        var seen: [Key: Int] = [:]
        for event in events {
            for region in event.regions {
                let key = Key(day: event.dayStartUTC, fuel: event.fuel, region: region)
                if let first = seen[key] {
                    throw FeedFileError(
                        file: table.file, line: event.line, field: table.field(dateColumn),
                        problem: "duplicate date \(KPXDate.format(event.dayStartUTC)) for \(event.fuel.rawValue) curtailment in \(region) (first on line \(first))")
                }
                seen[key] = event.line
            }
        }
    }

    /// KPX numbers its events 1, 2, 3, … per fuel (from 1 each year in some releases): a jump means a
    /// missing row, i.e. a curtailment day the file would otherwise report as "none".
    static func sequenceWarnings(_ events: [CurtailmentEvent]) -> [String] {
        var warnings: [String] = []
        var previous: [FeedQuantity: CurtailmentEvent] = [:]
        for event in events {
            defer { previous[event.fuel] = event }
            guard let number = event.number, let last = previous[event.fuel] else { continue }
            if event.dayStartUTC < last.dayStartUTC {
                warnings.append("line \(event.line): \(KPXDate.format(event.dayStartUTC)) comes after \(KPXDate.format(last.dayStartUTC)) (rows out of date order; imported by date)")
                continue
            }
            guard let lastNumber = last.number, number != lastNumber + 1 else { continue }
            let newYear = Timestamp.format(event.dayStartUTC).prefix(4) != Timestamp.format(last.dayStartUTC).prefix(4)
            if newYear, number == 1 { continue }
            warnings.append("line \(event.line): \(event.fuel.rawValue) event number goes from \(lastNumber) to \(number): a curtailment row may be missing")
        }
        return warnings
    }
}
