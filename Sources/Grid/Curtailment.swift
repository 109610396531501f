/// What a source says about curtailment (출력제어): KPX ordering renewable plants to cut output because
/// the grid cannot take their supply. A curtailed hour is by definition a surplus, i.e. green, hour.
public enum CurtailmentState: String, Sendable, CaseIterable {
    /// The source covers the hour and says there was no curtailment.
    case none
    /// A forecast says curtailment may come (live feeds and forecasts; no historical file says this).
    case possible
    /// KPX has announced curtailment for the hour (its day-ahead notice).
    case scheduled
    /// Curtailment happened (historical files) or is under way.
    case active
    /// No source covers the hour, or the one that does left it blank.
    case unknown
}

/// Curtailment of one fuel in one hour.
public struct FuelCurtailment: Sendable, Equatable {
    public var state: CurtailmentState
    /// The source names the trade day but not the hours (Jeju's solar records): every hour of the day carries
    /// the flag, so a consumer applies its own rule for which hours (e.g. trade hours 10–17) instead of
    /// trusting a guess made at import.
    public var dayOnly: Bool
    /// Energy curtailed in the hour, MWh, i.e. average MW; nil where the source gives no volume.
    public var curtailedMW: Double?

    public init(state: CurtailmentState, dayOnly: Bool = false, curtailedMW: Double? = nil) {
        self.state = state
        self.dayOnly = dayOnly
        self.curtailedMW = curtailedMW
    }

    public static let notCurtailed = FuelCurtailment(state: .none)

    /// The state as text for tables: `active-day` for a day-only record.
    public var label: String { dayOnly ? "\(state.rawValue)-day" : state.rawValue }
}

/// Curtailment of a region's solar and wind in one hour; nil for a fuel no source spoke about.
public struct Curtailment: Sendable, Equatable {
    public var solar: FuelCurtailment?
    public var wind: FuelCurtailment?

    public init(solar: FuelCurtailment? = nil, wind: FuelCurtailment? = nil) {
        self.solar = solar
        self.wind = wind
    }

    public static let unknown = Curtailment()

    /// Solar's or wind's curtailment (demand is never curtailed: callers pass a fuel).
    subscript(fuel: FeedQuantity) -> FuelCurtailment? {
        get { fuel == .wind ? wind : solar }
        set {
            if fuel == .wind { wind = newValue } else { solar = newValue }
        }
    }

    /// One state for the hour. A fuel curtailed in this very hour decides it (active over scheduled over
    /// possible); "none" needs both fuels known to be uncurtailed at the hour. A day-only record cannot say
    /// whether this hour was curtailed, so it leaves the hour unknown rather than marking a whole day green.
    public var state: CurtailmentState {
        let hourly = [solar, wind].compactMap { $0 }.filter { !$0.dayOnly }.map(\.state)
        for state in [CurtailmentState.active, .scheduled, .possible] where hourly.contains(state) { return state }
        return hourly.count == 2 && hourly.allSatisfy { $0 == .none } ? .none : .unknown
    }
}
