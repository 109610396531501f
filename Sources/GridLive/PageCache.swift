import Foundation

/// Pages of a finished KST day, kept under `<state_dir>/cache/<api>/<YYYYMMDD>/` as they came, so a day
/// once fetched (regional solar a month back, yesterday's SMP) is never asked for again. A day directory
/// appears whole or not at all (written beside, then renamed).
public struct PageCache: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    func dayDirectory(_ api: LiveAPI, day: String) -> String { "\(directory)/\(api.rawValue)/\(day)" }

    public func contains(_ api: LiveAPI, day: String) -> Bool {
        FileManager.default.fileExists(atPath: dayDirectory(api, day: day))
    }

    /// The cached pages of a day, in page order.
    public func pages(_ api: LiveAPI, day: String) -> [[UInt8]] {
        let folder = dayDirectory(api, day: day)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.sorted { $0.localizedStandardCompare($1) == .orderedAscending }.compactMap { name in
            FileManager.default.contents(atPath: "\(folder)/\(name)").map { [UInt8]($0) }
        }
    }

    /// Stores a finished day; failing to is not fatal (the day is fetched again later), so it only reports.
    public func store(_ api: LiveAPI, day: String, pages: [[UInt8]], dataType: GatewayDataType) throws {
        let final = dayDirectory(api, day: day)
        let staging = final + ".partial-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        for (index, page) in pages.enumerated() {
            try Data(page).write(to: URL(fileURLWithPath: "\(staging)/page-\(index + 1).\(dataType.rawValue)"))
        }
        try? FileManager.default.removeItem(atPath: final)
        try FileManager.default.moveItem(atPath: staging, toPath: final)
    }
}
