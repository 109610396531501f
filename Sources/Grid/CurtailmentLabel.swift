/// Whether an hour counts as curtailed: the ground truth the forecaster learns and the backtest scores.
///
/// Wind (and any fuel recorded by the hour) counts in the hours recorded. Jeju's solar records name only the
/// trade day, so a solar-curtailment day marks trade hours 10–17 (09:00–17:00 KST), where 96 % of recorded
/// curtailment hours fall.
public enum CurtailmentLabel {
    /// Trade hours (hour-ending, 1...24) a day-only record covers.
    public static let dayOnlyTradeHours: ClosedRange<Int> = 10...17

    /// true: curtailed; false: both fuels known and neither curtailed; nil: no source says.
    public static func of(_ curtailment: Curtailment, kstHour: Int) -> Bool? {
        var known = 0
        for fuel in [curtailment.solar, curtailment.wind] {
            guard let fuel else { continue }
            known += 1
            switch fuel.state {
            case .active, .scheduled:
                if !fuel.dayOnly || dayOnlyTradeHours.contains(kstHour + 1) { return true }
            case .none, .possible, .unknown:
                if fuel.state == .unknown { known -= 1 }
            }
        }
        return known == 2 ? false : nil
    }
}
