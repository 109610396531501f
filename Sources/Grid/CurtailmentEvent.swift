/// One row of a KPX curtailment file: a trade day on which one fuel was curtailed somewhere.
public struct CurtailmentEvent: Sendable, Equatable {
    /// What a file says about one trade hour of the day.
    public enum Mark: Sendable, Equatable {
        case none
        /// Curtailed, with the energy in MWh (= average MW) where the file gives it.
        case curtailed(mw: Double?)
        /// Left blank in a row that fills other hours: not known.
        case blank
    }

    public var line: Int
    /// 00:00 KST of the trade date, Unix seconds.
    public var dayStartUTC: Int64
    public var fuel: FeedQuantity
    /// ISO 3166-2 codes of the provinces curtailed, in the order written; `KR-49` for Jeju's own files.
    public var regions: [String]
    /// KPX's running number for the event (counted per year or cumulatively, as the release does).
    public var number: Int?
    /// Trade hour n at n − 1; nil when the row names only the day.
    public var hours: [Mark]?
    /// The day's curtailed MWh as published (총제어량); hours may not add up to it (rounding).
    public var totalMWh: Double?
}
