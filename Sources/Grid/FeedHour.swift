/// A quantity a KPX file carries; for curtailment files, `solar` and `wind` name the curtailed fuel.
public enum FeedQuantity: String, Sendable, CaseIterable {
    case solar, wind, demand
}

/// What the imported files say about one hour of one region. Each KPX file carries only some quantities
/// (a Jeju file holds one; a curtailment file none), so every one may be missing until files are merged.
public struct FeedHour: Sendable, Equatable {
    public var region: String
    /// Start of the hour, Unix seconds (UTC).
    public var startUTC: Int64
    public var solarMW: Double?
    public var windMW: Double?
    public var demandMW: Double?
    public var curtailment: Curtailment

    public init(region: String, startUTC: Int64, solarMW: Double? = nil, windMW: Double? = nil, demandMW: Double? = nil, curtailment: Curtailment = .unknown) {
        self.region = region
        self.startUTC = startUTC
        self.solarMW = solarMW
        self.windMW = windMW
        self.demandMW = demandMW
        self.curtailment = curtailment
    }

    subscript(quantity: FeedQuantity) -> Double? {
        get {
            switch quantity {
            case .solar: solarMW
            case .wind: windMW
            case .demand: demandMW
            }
        }
        set {
            switch quantity {
            case .solar: solarMW = newValue
            case .wind: windMW = newValue
            case .demand: demandMW = newValue
            }
        }
    }

    /// The hour as a supply record for scoring and replay; nil without solar, which those require.
    public func record(source: String) -> FeedRecord? {
        solarMW.map {
            FeedRecord(region: region, startUTC: startUTC, solarMW: $0, windMW: windMW, demandMW: demandMW, curtailment: curtailment, source: source)
        }
    }
}
