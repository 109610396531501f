import GreencapCore

/// Several imported files about one region merged into one `FeedHour` per hour: Jeju's solar, wind and
/// demand files and its curtailment records become rows with every column. Two files that give different
/// values for the same hour are an error naming both, never a silent pick.
public struct FeedMerge: Sendable {
    public let region: String
    /// What the merge had to decide: curtailment rows that override another file's silence.
    public private(set) var warnings: [String] = []

    /// Where an hour's curtailment of one fuel came from: a file, and its row unless inferred from silence.
    private struct Origin: Sendable {
        var source: Int
        var line: Int?
    }

    private struct Entry: Sendable {
        var hour: FeedHour
        var solarCurtailment: Origin?
        var windCurtailment: Origin?

        mutating func set(_ fuel: FeedQuantity, _ origin: Origin) {
            if fuel == .solar { solarCurtailment = origin } else { windCurtailment = origin }
        }
    }

    private var entries: [Int64: Entry] = [:]
    /// Each file added, with the rows its values came from, to name the earlier side of a conflict.
    private var sources: [(file: String, lines: [SourceKey: Int])] = []

    public init(region: String) {
        self.region = region
    }

    /// The merged hours in time order.
    public var hours: [FeedHour] { entries.values.map(\.hour).sorted { $0.startUTC < $1.startUTC } }

    /// The hours that have solar, as supply records for scoring and replay.
    public var records: [FeedRecord] {
        let source = sources.map { $0.file.split(separator: "/").last.map(String.init) ?? $0.file }.joined(separator: "+")
        return hours.compactMap { $0.record(source: source) }
    }

    public mutating func add(_ imported: KPXImport) throws(FeedFileError) {
        guard imported.region == region else {
            throw FeedFileError(file: imported.file, line: 1, field: "-", problem: "imported for \(imported.region), merging \(region)")
        }
        let source = sources.count
        sources.append((imported.file, imported.lines))
        var overridden = 0
        var example = ""
        for hour in imported.hours {
            var entry = entries[hour.startUTC] ?? Entry(hour: FeedHour(region: region, startUTC: hour.startUTC))
            for quantity in FeedQuantity.allCases {
                guard let value = hour[quantity] else { continue }
                if let earlier = entry.hour[quantity], abs(earlier - value) > 1e-9 * max(1, abs(value)) {
                    let key = SourceKey(start: hour.startUTC, field: .value(quantity))
                    let origin = sources.dropLast().first { $0.lines[key] != nil }.map { "\($0.file):\($0.lines[key] ?? 0)" } ?? "an earlier file"
                    throw FeedFileError(
                        file: imported.file, line: imported.lines[key] ?? 1, field: quantity.rawValue,
                        problem: "\(Timestamp.format(hour.startUTC)) KST: \(value) MW here but \(earlier) MW in \(origin) (overlapping releases disagree)")
                }
                entry.hour[quantity] = value
            }
            for fuel in [FeedQuantity.solar, .wind] {
                guard let said = hour.curtailment[fuel] else { continue }
                let line = imported.lines[SourceKey(start: hour.startUTC, field: .curtailment(fuel))]
                let here = Origin(source: source, line: line)
                let earlierOrigin = fuel == .solar ? entry.solarCurtailment : entry.windCurtailment
                guard let earlier = entry.hour.curtailment[fuel], earlier != said, let earlierOrigin else {
                    entry.hour.curtailment[fuel] = said
                    if earlierOrigin?.line == nil { entry.set(fuel, here) }
                    continue
                }
                // A listed row beats a file's silence about the day; two listed rows that differ conflict.
                switch (earlierOrigin.line, line) {
                case (nil, .some):
                    entry.hour.curtailment[fuel] = said
                    entry.set(fuel, here)
                case (.some, nil):
                    break
                default:
                    throw FeedFileError(
                        file: imported.file, line: line ?? 1, field: "\(fuel.rawValue) curtailment",
                        problem: "\(Timestamp.format(hour.startUTC)) KST: \(said.label) here but \(earlier.label) in \(sources[earlierOrigin.source].file):\(earlierOrigin.line ?? 0)")
                }
                overridden += 1
                if example.isEmpty { example = "\(fuel.rawValue) at \(Timestamp.format(hour.startUTC)) KST" }
            }
            entries[hour.startUTC] = entry
        }
        if overridden > 0 {
            warnings.append(
                "\(imported.file): \(overridden) hour(s) where one curtailment file lists a day that another, covering it, leaves out (read as none): the listed record kept, e.g. \(example)")
        }
    }
}
