/// Which of KPX's file layouts a header describes, decided from what its columns mean.
public struct KPXLayout: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// 지역별 시간별 태양광 및 풍력: date, hour, region, a solar and a wind column.
        case regionalWide = "regional wide"
        /// The same with a fuel column and one generation column.
        case regionalLong = "regional long"
        /// A date and the day's 24 hour-ending values of one quantity (Jeju's solar, wind and demand files).
        case dailyHours = "daily hours"
        /// A date and 24 hour cells of curtailed MWh (Jeju's curtailment records).
        case curtailmentHours = "curtailment hours"
        /// Only the dates (and event numbers) of curtailment days (Jeju's 2024 solar records).
        case curtailmentDays = "curtailment days"
        /// A date, a province list and 24 hour cells marked 출력제어 (the mainland's curtailment events).
        case curtailmentEvents = "curtailment events"
    }

    public var kind: Kind
    /// The quantity, or curtailed fuel, the header names for the whole file.
    public var quantity: FeedQuantity?
    /// The file itself says what each value is (solar and wind columns, or a fuel column), so it needs no
    /// quantity from the operator.
    public var namesQuantity: Bool

    /// Layouts without a region column come only from KPX's Jeju releases: the mainland is published per
    /// region, Jeju (a separate grid) on its own.
    public var impliedRegion: String? {
        switch kind {
        case .regionalWide, .regionalLong, .curtailmentEvents: nil
        case .dailyHours, .curtailmentHours, .curtailmentDays: KPXLayout.jeju
        }
    }

    static let jeju = "KR-49"

    public var description: String { kind.rawValue + (quantity.map { " (\($0.rawValue))" } ?? "") }
}

/// A header row read for meaning: where each kind of column is, and what words the header as a whole uses.
struct KPXHeaderMap {
    var fields: [Substring]
    var columns: [KPXColumn]
    /// Column index of trade hour n, at n − 1.
    var hours: [Int?]
    /// Quantities named anywhere in the header.
    var quantities: Set<FeedQuantity>
    var mentionsCurtailment: Bool
    /// The first unit spelled in an hour column, else in any column (MWh per hour is MW).
    var hourUnit: MWUnit?
    var duplicateHours: Bool

    init(_ fields: [Substring]) {
        self.fields = fields
        columns = fields.map(KPXColumn.init(header:))
        hours = Array(repeating: nil, count: 24)
        var duplicates = false
        for (index, column) in columns.enumerated() {
            guard case .hourOfDay(let hour) = column else { continue }
            if hours[hour - 1] != nil { duplicates = true }
            hours[hour - 1] = hours[hour - 1] ?? index
        }
        let keys = fields.map(KPXColumn.key)
        quantities = Set(keys.flatMap(KPXColumn.quantities))
        mentionsCurtailment = keys.contains(where: KPXColumn.mentionsCurtailment)
        let hourKeys = hours.compactMap { $0 }.map { keys[$0] }
        hourUnit = (hourKeys + keys).lazy.compactMap(MWUnit.init(key:)).first
        duplicateHours = duplicates
    }

    func first(_ match: (KPXColumn) -> Bool) -> Int? { columns.firstIndex(where: match) }
    func first(_ column: KPXColumn) -> Int? { columns.firstIndex(of: column) }

    var hourCount: Int { hours.compactMap { $0 }.count }

    /// The layout, or an error naming the file and header and what was looked for.
    func layout(file: String, line: Int, headerLine: Substring) throws(FeedFileError) -> KPXLayout {
        func unknown(_ why: String) -> FeedFileError {
            FeedFileError(
                file: file, line: line, field: "-",
                problem: "unknown KPX layout: header '\(headerLine)': \(why). Known layouts: regional (date, hour, region, solar/wind or fuel + generation), "
                    + "daily hours (date + 1시…24시), curtailment hours (date + 1시…24시 + 총제어량/회차), curtailment days (date + 횟수), "
                    + "curtailment events (date + 제어지역 + 1시…24시)")
        }
        let date = first(.tradeDate)
        let region = first(.region)
        let fuel = first(.fuel)
        let solarOrWind = columns.contains { if case .solar = $0 { true } else if case .wind = $0 { true } else { false } }
        let generation = columns.contains { if case .generation = $0 { true } else { false } }
        let named = quantities.count == 1 ? quantities.first : nil
        if hourCount > 0 {
            guard hourCount == 24, !duplicateHours else {
                let missing = (1...24).filter { hours[$0 - 1] == nil }.map { "\($0)시" }
                throw unknown(duplicateHours ? "an hour column appears twice" : "hour columns 1–24 expected, missing \(missing.joined(separator: ", "))")
            }
            guard date != nil else { throw unknown("24 hour columns but no date column") }
            guard quantities.count <= 1 else {
                throw unknown("the header names several quantities (\(quantities.map(\.rawValue).sorted().joined(separator: ", "))) for one set of hour columns")
            }
            if region != nil {
                return KPXLayout(kind: .curtailmentEvents, quantity: named, namesQuantity: named != nil || fuel != nil)
            }
            if mentionsCurtailment || first(.curtailedTotal) != nil || first(.eventNumber) != nil {
                guard named != .demand else { throw unknown("demand is not curtailed") }
                return KPXLayout(kind: .curtailmentHours, quantity: named, namesQuantity: named != nil || fuel != nil)
            }
            guard fuel == nil else { throw unknown("a fuel column beside day-row hour columns, without curtailment columns") }
            return KPXLayout(kind: .dailyHours, quantity: named, namesQuantity: named != nil)
        }
        if date != nil, first(.tradeHour) != nil, region != nil {
            if solarOrWind { return KPXLayout(kind: .regionalWide, quantity: nil, namesQuantity: true) }
            if fuel != nil, generation { return KPXLayout(kind: .regionalLong, quantity: nil, namesQuantity: true) }
            throw unknown("a regional header needs solar and wind columns, or a fuel column with a generation column")
        }
        // Only dates and event numbers: a value column here would be data this layout would drop.
        let dayListColumn: (KPXColumn) -> Bool = {
            switch $0 {
            case .tradeDate, .eventNumber, .fuel, .other: true
            default: false
            }
        }
        if date != nil, first(.eventNumber) != nil || mentionsCurtailment, columns.allSatisfy(dayListColumn) {
            guard named != .demand else { throw unknown("demand is not curtailed") }
            return KPXLayout(kind: .curtailmentDays, quantity: named, namesQuantity: named != nil || fuel != nil)
        }
        throw unknown(date == nil ? "no date column" : "no hour columns and no trade-hour, region and generation columns")
    }
}

/// The unit a header spells, as the conversion to MW. kW and kWh divide by 1000 rather than multiply by
/// 0.001, so 598751 kW is exactly the 598.751 MW a reader types.
enum MWUnit: Equatable {
    case kilo, mega, giga

    init?(key: String) {
        guard let factor = KPXColumn.unitToMW(key) else { return nil }
        self = factor < 1 ? .kilo : factor > 1 ? .giga : .mega
    }

    func megawatts(_ value: Double) -> Double {
        switch self {
        case .kilo: value / 1000
        case .mega: value
        case .giga: value * 1000
        }
    }

    var name: String {
        switch self {
        case .kilo: "kW"
        case .mega: "MW"
        case .giga: "GW"
        }
    }
}
