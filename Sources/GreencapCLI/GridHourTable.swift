import Foundation
import GreencapCore
import Grid

/// The rows `greencap grid import` prints. The first five columns are those of the regional import;
/// per-fuel curtailment follows, so a reader of the older columns is not disturbed.
enum GridHourTable {
    static let header = "start_utc,solar_mw,wind_mw,demand_mw,curtailment,solar_curtailment,wind_curtailment,solar_curtailed_mw,wind_curtailed_mw"

    struct Row: Encodable {
        var start_utc: String
        var solar_mw: Double?
        var wind_mw: Double?
        var demand_mw: Double?
        /// One state for the hour (see `Curtailment.state`).
        var curtailment: String
        /// `none`, `active`, `active-day` (the day was curtailed, the hours are not given), `unknown`, …
        var solar_curtailment: String
        var wind_curtailment: String
        var solar_curtailed_mw: Double?
        var wind_curtailed_mw: Double?

        init(_ hour: FeedHour) {
            start_utc = Timestamp.formatRFC3339(hour.startUTC)
            solar_mw = hour.solarMW
            wind_mw = hour.windMW
            demand_mw = hour.demandMW
            curtailment = hour.curtailment.state.rawValue
            solar_curtailment = hour.curtailment.solar?.label ?? CurtailmentState.unknown.rawValue
            wind_curtailment = hour.curtailment.wind?.label ?? CurtailmentState.unknown.rawValue
            solar_curtailed_mw = hour.curtailment.solar?.curtailedMW
            wind_curtailed_mw = hour.curtailment.wind?.curtailedMW
        }
    }

    static func csv(_ hours: [FeedHour]) -> String {
        func number(_ value: Double?) -> String { value.map { String(format: "%.6f", $0) } ?? "" }
        var out = header + "\n"
        for row in hours.map(Row.init) {
            out += "\(row.start_utc),\(number(row.solar_mw)),\(number(row.wind_mw)),\(number(row.demand_mw)),\(row.curtailment),"
            out += "\(row.solar_curtailment),\(row.wind_curtailment),\(number(row.solar_curtailed_mw)),\(number(row.wind_curtailed_mw))\n"
        }
        return out
    }
}
