import GreencapCore

/// Several imported files about one region merged into one `FeedHour` per hour: Jeju's solar, wind and
/// demand files and its curtailment records become rows with every column. Two files that give different
/// values for the same hour are an error naming both, never a silent pick.
public struct FeedMerge: Sendable {
    public let region: String
    /// What the merge had to decide: curtailment rows that override another file's silence.
    public private(set) var warnings: [String] = []
    private var byStart: [Int64: FeedHour] = [:]
    private var origins: [SourceKey: (file: String, line: Int?)] = [:]

    public init(region: String) {
        self.region = region
    }

    /// The merged hours in time order.
    public var hours: [FeedHour] { byStart.values.sorted { $0.startUTC < $1.startUTC } }

    /// The hours that have solar, as supply records for scoring and replay.
    public var records: [HourlyRecord] { hours.compactMap(\.record) }

    public mutating func add(_ imported: KPXImport) throws(FeedFileError) {
        guard imported.region == region else {
            throw FeedFileError(file: imported.file, line: 1, field: "-", problem: "imported for \(imported.region), merging \(region)")
        }
        var overridden = 0
        var example = ""
        for hour in imported.hours {
            var merged = byStart[hour.startUTC] ?? FeedHour(region: region, startUTC: hour.startUTC)
            for quantity in FeedQuantity.allCases {
                guard let value = hour[quantity] else { continue }
                let key = SourceKey(start: hour.startUTC, field: .value(quantity))
                if let earlier = merged[quantity], abs(earlier - value) > 1e-9 * max(1, abs(value)) {
                    let origin = origins[key].map { "\($0.file):\($0.line ?? 0)" } ?? "another file"
                    throw FeedFileError(
                        file: imported.file, line: imported.lines[key] ?? 1, field: quantity.rawValue,
                        problem: "\(Timestamp.format(hour.startUTC)) KST: \(value) MW here but \(earlier) MW in \(origin) (overlapping releases disagree)")
                }
                merged[quantity] = value
                origins[key] = origins[key] ?? (imported.file, imported.lines[key])
            }
            for fuel in [FeedQuantity.solar, .wind] {
                guard let said = hour.curtailment[fuel] else { continue }
                let key = SourceKey(start: hour.startUTC, field: .curtailment(fuel))
                let line = imported.lines[key]
                guard let earlier = merged.curtailment[fuel], earlier != said, let origin = origins[key] else {
                    merged.curtailment[fuel] = said
                    origins[key] = (imported.file, line)
                    continue
                }
                // A listed row beats a file's silence about the day; two listed rows that differ conflict.
                switch (origin.line, line) {
                case (nil, .some):
                    merged.curtailment[fuel] = said
                    origins[key] = (imported.file, line)
                case (.some, nil):
                    break
                default:
                    throw FeedFileError(
                        file: imported.file, line: line ?? 1, field: "\(fuel.rawValue) curtailment",
                        problem: "\(Timestamp.format(hour.startUTC)) KST: \(said.label) here but \(earlier.label) in \(origin.file):\(origin.line ?? 0)")
                }
                overridden += 1
                if example.isEmpty { example = "\(fuel.rawValue) at \(Timestamp.format(hour.startUTC)) KST" }
            }
            byStart[hour.startUTC] = merged
        }
        if overridden > 0 {
            warnings.append(
                "\(imported.file): \(overridden) hour(s) where one curtailment file lists a day that another, covering it, leaves out (read as none): the listed record kept, e.g. \(example)")
        }
    }
}
