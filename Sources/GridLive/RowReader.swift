/// Typed reads of one gateway row; every failure is a `.badField` naming the API, page, row and field,
/// so a bad value rejects its row and never becomes a number.
struct RowReader {
    let api: LiveAPI
    let page: Int
    /// 1-based position of the row in its page.
    let row: Int
    let item: GatewayItem

    func fail(_ field: String, _ problem: String) -> LiveFeedError {
        .badField(api: api, page: page, row: row, field: field, value: item[field] ?? "", problem: problem)
    }

    /// A field that must be present and non-blank. `names` lists spellings KPX uses for the same field.
    func text(_ names: String...) throws(LiveFeedError) -> String {
        for name in names {
            if let value = item[name]?.trimmingWhitespace(), !value.isEmpty { return String(value) }
        }
        throw fail(names[0], item[names[0]] == nil ? "missing" : "blank")
    }

    /// Megawatts: a finite number, not negative (a negative output or demand is a publishing error KPX
    /// sometimes makes; it is refused rather than passed on). Thousands separators are accepted.
    func megawatts(_ field: String, positive: Bool = false) throws(LiveFeedError) -> Double {
        let raw = try text(field)
        guard let value = Double(raw.filter { $0 != "," }), value.isFinite else { throw fail(field, "not a number") }
        if value < 0 { throw fail(field, "negative megawatts") }
        if positive && value == 0 { throw fail(field, "zero demand") }
        return value
    }

    /// Megawatts where a blank or missing field means "not given".
    func optionalMegawatts(_ field: String) throws(LiveFeedError) -> Double? {
        guard let raw = item[field], !raw.trimmingWhitespace().isEmpty else { return nil }
        return try megawatts(field)
    }

    func integer(_ field: String, in range: ClosedRange<Int64>) throws(LiveFeedError) -> Int64 {
        let raw = try text(field)
        guard let value = Int64(raw) else { throw fail(field, "not a whole number") }
        guard range.contains(value) else { throw fail(field, "outside \(range.lowerBound)…\(range.upperBound)") }
        return value
    }

    /// A KST date `YYYYMMDD` as a day number.
    func date(_ field: String) throws(LiveFeedError) -> Int64 {
        guard let day = KSTCalendar.parseDate(try text(field)) else { throw fail(field, "not a date YYYYMMDD") }
        return day
    }

    /// A KST date-time `YYYYMMDDHHmm[ss]` as Unix seconds; either spelling of the field name.
    func dateTime(_ names: String...) throws(LiveFeedError) -> Int64 {
        for name in names {
            guard let raw = item[name] else { continue }
            guard let instant = KSTCalendar.parseDateTime(raw) else {
                throw .badField(api: api, page: page, row: row, field: name, value: raw, problem: "not a date-time YYYYMMDDHHmmss")
            }
            return instant
        }
        throw fail(names[0], "missing")
    }
}
