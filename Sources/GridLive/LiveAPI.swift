/// The live feeds Greencap can poll. Each KPX API is one data.go.kr service with a quota of its own.
public enum LiveAPI: String, Sendable, CaseIterable, Codable {
    /// `sumperfuel5m/getSumperfuel5m`: national generation by fuel, 5-minute, near real time.
    case sumperfuel5m
    /// `PvAmountByLocHr/getPvAmountByLocHr`: regional hourly solar, published 1–2 months late.
    case pvByRegion = "pv-by-region"
    /// `SmpWithForecastDemand/getSmpWithForecastDemand`: day-ahead SMP and demand forecast.
    case smpDemand = "smp-demand"
    /// `JejuSukub5mToday/getJejuSukub5mToday`: Jeju's grid, 5-minute, today.
    case jeju5m = "jeju-5m"
    /// A document in the Greencap JSON feed format (docs/grid-feeds.md), e.g. an internal mirror.
    case greencapJSON = "greencap-json"

    /// The service path under the gateway's base URL; nil for the Greencap JSON feed (its URL is complete).
    public var servicePath: String? {
        switch self {
        case .sumperfuel5m: "sumperfuel5m/getSumperfuel5m"
        case .pvByRegion: "PvAmountByLocHr/getPvAmountByLocHr"
        case .smpDemand: "SmpWithForecastDemand/getSmpWithForecastDemand"
        case .jeju5m: "JejuSukub5mToday/getJejuSukub5mToday"
        case .greencapJSON: nil
        }
    }

    /// Whether the API is a data.go.kr service (service key, quota, gateway envelope).
    public var isGateway: Bool { self != .greencapJSON }

    /// The `source` written into records: which API, as in `kpx:sumperfuel5m`.
    public var sourceLabel: String {
        switch self {
        case .greencapJSON: "greencap-json"
        default: "kpx:" + (servicePath?.split(separator: "/").first.map(String.init) ?? rawValue)
        }
    }

    /// The one region an API covers, where it covers only one.
    public var fixedRegion: String? {
        switch self {
        case .sumperfuel5m: "KR"
        case .jeju5m: "KR-49"
        default: nil
        }
    }

    /// Rows asked for per page when the configuration does not say: enough for a whole day in one call
    /// (288 five-minute rows; 17 regions × 24 hours = 408 rows; 2 areas × 24 hours, doubled by KPX's duplicates).
    public var defaultPageSize: Int {
        switch self {
        case .sumperfuel5m: 300
        case .pvByRegion: 500
        case .smpDemand: 200
        case .jeju5m: 300
        case .greencapJSON: 0
        }
    }

    /// The public gateway all KPX APIs sit behind since the 2026 migration.
    public static let defaultBaseURL = "https://apis.data.go.kr/B552115"
}

/// The response format asked of a data.go.kr API (`dataType`). The gateway may answer XML either way.
public enum GatewayDataType: String, Sendable, Codable {
    case json, xml
}
