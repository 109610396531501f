import Grid

/// KPX's day-ahead demand forecast for one region and trade hour, with the SMP of that hour.
///
/// Kept apart from `FeedRecord` on purpose: a forecast of demand says nothing about solar, and a
/// `FeedRecord` with a zero solar figure would read as a forecast of no sun.
public struct DemandForecast: Sendable, Equatable {
    /// `KR` for the whole country (KPX's 육지 rows carry the total, `slfd`), `KR-49` for Jeju (`jlfd`).
    public var region: String
    public var startUTC: Int64
    public var intervalSeconds: Int64
    public var demandMW: Double
    /// System marginal price, KRW/kWh; nil where the row gave none.
    public var smpKRWPerKWh: Double?
    /// When Greencap fetched it: KPX does not publish the issue time (about 17:30–23:00 KST the day before).
    public var issuedUTC: Int64
    public var source: String

    public init(
        region: String, startUTC: Int64, intervalSeconds: Int64 = 3600, demandMW: Double, smpKRWPerKWh: Double?,
        issuedUTC: Int64, source: String
    ) {
        self.region = region
        self.startUTC = startUTC
        self.intervalSeconds = intervalSeconds
        self.demandMW = demandMW
        self.smpKRWPerKWh = smpKRWPerKWh
        self.issuedUTC = issuedUTC
        self.source = source
    }
}

/// What a page (or a whole poll) turned into: records, demand forecasts, and the rows refused with why.
public struct MappedRows: Sendable, Equatable {
    public var records: [FeedRecord] = []
    public var forecasts: [DemandForecast] = []
    /// Rows not used, each a `.badField` naming the API, page, row and field.
    public var rejected: [LiveFeedError] = []

    public init(records: [FeedRecord] = [], forecasts: [DemandForecast] = [], rejected: [LiveFeedError] = []) {
        self.records = records
        self.forecasts = forecasts
        self.rejected = rejected
    }

    public mutating func append(_ other: MappedRows) {
        records += other.records
        forecasts += other.forecasts
        rejected += other.rejected
    }
}
