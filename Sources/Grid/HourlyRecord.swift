import GreencapCore

/// One hour of renewable supply for a region.
public struct HourlyRecord: Sendable, Equatable {
    /// ISO 3166-2 region (`KR-46` Jeonnam, `KR-49` Jeju) or `KR` for the nation.
    public var region: String
    /// Start of the hour, Unix seconds (UTC).
    public var startUTC: Int64
    /// Average solar output over the hour, MW (market plants).
    public var solarMW: Double
    /// Average wind output over the hour, MW; nil where the source published none.
    public var windMW: Double?
    /// Average demand over the hour, MW; nil where no source gave it (KPX's regional files carry none).
    public var demandMW: Double?
    /// Curtailment of solar and wind in the hour; unknown unless a curtailment file was merged in.
    public var curtailment: Curtailment

    public init(region: String, startUTC: Int64, solarMW: Double, windMW: Double?, demandMW: Double? = nil, curtailment: Curtailment = .unknown) {
        self.region = region
        self.startUTC = startUTC
        self.solarMW = solarMW
        self.windMW = windMW
        self.demandMW = demandMW
        self.curtailment = curtailment
    }

    /// Solar plus wind, counting missing wind as zero (so a gap never inflates the score).
    public var renewableMW: Double { solarMW + (windMW ?? 0) }
}

/// A problem in a feed file, located by file, line and column name.
public struct FeedFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var field: String
    public var problem: String

    public init(file: String, line: Int, field: String, problem: String) {
        self.file = file
        self.line = line
        self.field = field
        self.problem = problem
    }

    public var description: String { "\(file):\(line): field '\(field)': \(problem)" }
}
