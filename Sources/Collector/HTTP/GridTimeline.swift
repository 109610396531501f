import GreencapConfig
import Grid

extension APITime {
    /// A recorded grid time as the API shows it: on the wall clock when a replay is presented as the present
    /// (`ReplayTimeline`), else as recorded.
    init(recorded seconds: Int64, _ timeline: ReplayTimeline?) {
        if let timeline {
            self.init(milliseconds: timeline.wallMilliseconds(ofRecorded: seconds))
        } else {
            self.init(seconds: seconds)
        }
    }
}

extension QueryParameters {
    /// A power with its unit ("40kW", "2500 W"), in kW; nil when absent.
    func powerKW(_ name: String) throws(APIError) -> Double? {
        guard let text = string(name) else { return nil }
        guard let power = parsePower(text), power.value > 0 else {
            throw APIError.badParameter(name, "expected a power with its unit such as \"40kW\" or \"2500 W\", found \"\(text)\"")
        }
        return Double(power.value) / 1e6
    }
}

extension CollectorConfig.Grid {
    /// `[grid] site_floor` / `site_ceiling` as the Grid library's budget; nil unless both are set.
    var sitePowerBudget: SitePowerBudget? {
        guard let floor = siteFloor, let ceiling = siteCeiling else { return nil }
        return SitePowerBudget(floorKW: Double(floor.value) / 1e6, ceilingKW: Double(ceiling.value) / 1e6)
    }
}
