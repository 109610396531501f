import GreencapCore

/// What a record is: a measurement, a forecast, or recorded history played back.
public enum FeedRecordKind: String, Sendable, CaseIterable, Codable {
    case actual, forecast, replay
}

/// How far a record's numbers can be trusted.
public enum FeedQuality: String, Sendable, CaseIterable, Codable {
    /// As published by the source.
    case good
    /// Some quantity the source normally carries is missing (e.g. wind blank in a regional release); the
    /// record counts it as zero, so it understates supply.
    case partial
    /// Derived by Greencap rather than published (a forecast, a regional share of a national figure).
    case estimated
    /// The source stopped answering; this is the last good value, older than the feed's staleness limit.
    case stale
}

/// Renewable supply of one region over one interval: the unit every grid source is turned into.
public struct FeedRecord: Sendable, Equatable {
    /// ISO 3166-2 region (`KR-46` Jeonnam, `KR-49` Jeju) or `KR` for the nation.
    public var region: String
    /// Start of the interval, Unix seconds (UTC). KPX's hour-ending KST labels are converted on import.
    public var startUTC: Int64
    /// Length of the interval: 3600 for KPX trade hours, 300 for the 5-minute national and Jeju feeds.
    public var intervalSeconds: Int64
    /// Average solar output over the interval, MW (market plants).
    public var solarMW: Double
    /// Average wind output, MW; nil where the source published none.
    public var windMW: Double?
    /// Average demand, MW; nil where no source gave it (KPX's regional files carry none).
    public var demandMW: Double?
    /// Curtailment of solar and wind in the interval; unknown unless a curtailment source covers it.
    public var curtailment: Curtailment
    public var kind: FeedRecordKind
    /// When the source issued the figures (a forecast's issue time; nil for published history).
    public var issuedUTC: Int64?
    /// Where the figures came from: a file name, or an API name such as `kpx:sumperfuel5m`.
    public var source: String
    public var quality: FeedQuality

    public init(
        region: String, startUTC: Int64, intervalSeconds: Int64 = 3600, solarMW: Double, windMW: Double?,
        demandMW: Double? = nil, curtailment: Curtailment = .unknown, kind: FeedRecordKind = .actual,
        issuedUTC: Int64? = nil, source: String = "", quality: FeedQuality? = nil
    ) {
        self.region = region
        self.startUTC = startUTC
        self.intervalSeconds = intervalSeconds
        self.solarMW = solarMW
        self.windMW = windMW
        self.demandMW = demandMW
        self.curtailment = curtailment
        self.kind = kind
        self.issuedUTC = issuedUTC
        self.source = source
        self.quality = quality ?? (windMW == nil ? .partial : .good)
    }

    /// Solar plus wind, counting missing wind as zero (so a gap never inflates the score).
    public var renewableMW: Double { solarMW + (windMW ?? 0) }

    /// Renewable share of demand, where demand is known and positive.
    public var renewableShare: Double? {
        guard let demandMW, demandMW > 0 else { return nil }
        return renewableMW / demandMW
    }
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
