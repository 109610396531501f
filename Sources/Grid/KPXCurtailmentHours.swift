import GreencapCore

extension KPXCurtailmentFile {
    /// A curtailment file's events as the hours of one region: every hour from the file's first to its
    /// last date, for each fuel it covers. Listed hours are as marked; days the file does not list are
    /// "none" (KPX writes rows only for curtailment days), and so are days whose row names other provinces.
    public static func hours(_ parsed: Events, file: String, layout: KPXLayout, region: String) throws(FeedFileError) -> KPXImport {
        let relevant = parsed.events.filter { $0.regions.contains(region) }
        guard !relevant.isEmpty else {
            // A province never named may be one the file does not cover at all (Jeju in a mainland file):
            // "none" there would be a guess.
            throw FeedFileError(file: file, line: 1, field: "-", problem: "no curtailment row names region \(region); this file cannot say whether it was curtailed")
        }
        guard let first = parsed.events.map(\.dayStartUTC).min(), let last = parsed.events.map(\.dayStartUTC).max() else {
            return KPXImport(file: file, layout: layout, region: region, hours: [], warnings: parsed.warnings, lines: [:])
        }
        let fuels = FeedQuantity.allCases.filter { parsed.fuels.contains($0) }
        var byDay: [Int64: [FeedQuantity: CurtailmentEvent]] = [:]
        for event in relevant { byDay[event.dayStartUTC, default: [:]][event.fuel] = event }

        var hours: [FeedHour] = []
        hours.reserveCapacity(Int((last - first) / 3600) + 24)
        var lines: [SourceKey: Int] = [:]
        for day in stride(from: first, through: last, by: 86400) {
            for hour in 0..<24 {
                let start = day + Int64(hour) * 3600
                var curtailment = Curtailment()
                for fuel in fuels {
                    guard let event = byDay[day]?[fuel] else {
                        curtailment[fuel] = .notCurtailed
                        continue
                    }
                    lines[SourceKey(start: start, field: .curtailment(fuel))] = event.line
                    guard let marks = event.hours else {
                        curtailment[fuel] = FuelCurtailment(state: .active, dayOnly: true)
                        continue
                    }
                    switch marks[hour] {
                    case .none: curtailment[fuel] = .notCurtailed
                    case .curtailed(let mw): curtailment[fuel] = FuelCurtailment(state: .active, curtailedMW: mw)
                    case .blank: curtailment[fuel] = FuelCurtailment(state: .unknown)
                    }
                }
                hours.append(FeedHour(region: region, startUTC: start, curtailment: curtailment))
            }
        }
        let layout = KPXLayout(kind: layout.kind, quantity: fuels.count == 1 ? fuels.first : nil, namesQuantity: layout.namesQuantity)
        return KPXImport(file: file, layout: layout, region: region, hours: hours, warnings: parsed.warnings, lines: lines)
    }

    static func hours(_ parsed: Events, table: KPXTable, layout: KPXLayout, region: String) throws(FeedFileError) -> KPXImport {
        try hours(parsed, file: table.file, layout: layout, region: region)
    }
}
