/// One live source as `[[grid.live.source]]` configures it (the collector maps its config onto this;
/// keys and defaults are in docs/configuration.md).
public struct LiveSourceSettings: Sendable, Equatable {
    public var api: LiveAPI
    /// A name for logs; the API's name unless given.
    public var name: String
    /// The gateway (KPX APIs) or the feed document's full URL (`greencap-json`).
    public var url: String
    /// The service key's credential file; required for KPX APIs.
    public var keyFile: String?
    /// Keep only this region (`pv-by-region`); the region a `greencap-json` feed must be for.
    public var region: String?
    public var dataType: GatewayDataType
    public var pageSize: Int
    /// Poll period asked for; the budget may stretch it (see `effectivePeriod`).
    public var every: Duration
    public var dailyLimit: Int
    public var reserve: Int
    /// `pv-by-region`: how many past days to look for (the API runs 1–2 months behind).
    public var lookbackDays: Int
    /// `pv-by-region`: most days fetched in one poll.
    public var daysPerPoll: Int
    public var timeout: Duration
    public var retry: RetryPolicy

    public init(
        api: LiveAPI, name: String? = nil, url: String? = nil, keyFile: String? = nil, region: String? = nil,
        dataType: GatewayDataType = .json, pageSize: Int? = nil, every: Duration? = nil, dailyLimit: Int? = nil,
        reserve: Int = 10, lookbackDays: Int = 62, daysPerPoll: Int = 10, timeout: Duration = .seconds(30),
        retry: RetryPolicy = RetryPolicy()
    ) {
        self.api = api
        self.name = name ?? api.rawValue
        self.url = url ?? LiveAPI.defaultBaseURL
        self.keyFile = keyFile
        self.region = region ?? api.fixedRegion
        self.dataType = dataType
        self.pageSize = pageSize ?? api.defaultPageSize
        self.every = every ?? Self.defaultEvery(api)
        self.dailyLimit = dailyLimit ?? (api.isGateway ? 100 : 0)
        self.reserve = reserve
        self.lookbackDays = lookbackDays
        self.daysPerPoll = daysPerPoll
        self.timeout = timeout
        self.retry = retry
    }

    public static func defaultEvery(_ api: LiveAPI) -> Duration {
        switch api {
        case .sumperfuel5m, .jeju5m: .seconds(15 * 60)
        case .pvByRegion: .seconds(6 * 3600)
        case .smpDemand: .seconds(3600)
        case .greencapJSON: .seconds(5 * 60)
        }
    }

    public var budget: CallBudget { CallBudget(api: api, keyFile: keyFile, dailyLimit: dailyLimit, reserve: reserve) }

    /// The poll period actually used: what was asked, stretched so that one call per poll fits the day's
    /// scheduled calls (100 calls with 10 in reserve: at least 16 minutes for the 5-minute feeds).
    public var effectivePeriod: Duration {
        guard !budget.isUnlimited, api == .sumperfuel5m || api == .jeju5m else { return every }
        return max(every, .seconds(86400 / Int64(budget.scheduled) + 1))
    }
}
