import GreencapCore

/// `[grid.live]` and `[[grid.live.source]]` in collector.toml: the live feeds polled when
/// `grid.source = "live"`. Checked here (types, ranges, which keys each API takes); the collector turns
/// them into GridLive's settings.
public struct GridLiveSettings: Sendable, Equatable {
    /// Where the quota file and the page cache live; nil: `grid-live/` beside the SQLite store.
    public var stateDirectory: String?
    public var sources: [Source] = []

    public enum API: String, Sendable, Equatable, CaseIterable {
        case sumperfuel5m, pvByRegion = "pv-by-region", smpDemand = "smp-demand", jeju5m = "jeju-5m"
        case greencapJSON = "greencap-json"
    }

    public struct Source: Sendable, Equatable {
        public var api: API
        public var name: String
        public var baseURL: String?
        public var url: String?
        public var keyFile: String?
        public var region: String?
        public var dataType: String?
        public var pageSize: Int?
        public var every: Duration?
        public var dailyLimit: Int?
        public var reserve: Int?
        public var lookbackDays: Int?
        public var daysPerPoll: Int?
        public var timeout: Duration?
        public var retries: Int?
        public var retryBase: Duration?
        /// Line of the source's `[[grid.live.source]]` header, for messages found after loading.
        public var line: Int?
        /// Line of its `key_file` key.
        public var keyFileLine: Int?
    }

    public init() {}

    static func read(_ table: TableReader) -> GridLiveSettings {
        var settings = GridLiveSettings()
        if let directory = table.string("state_dir", expected: "a directory path") {
            if directory.isEmpty { table.invalid("state_dir", "expected a directory path, found an empty string") }
            settings.stateDirectory = directory
        }
        var names: Set<String> = []
        for sourceTable in table.tables("source") {
            guard let source = readSource(sourceTable) else { continue }
            if !names.insert(source.name).inserted {
                sourceTable.invalid("name", "source name \"\(source.name)\" is used twice; give each [[grid.live.source]] its own name")
            }
            settings.sources.append(source)
        }
        table.finish()
        return settings
    }

    private static func readSource(_ table: TableReader) -> Source? {
        let apiName = table.choice("api", from: API.allCases.map(\.rawValue))
        if table.table.entry("api") == nil { table.missing("api", "one of " + API.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")) }
        let name = table.name("name")
        let baseURL = table.string("base_url", expected: "an http:// or https:// URL")
        let url = table.string("url", expected: "an http:// or https:// URL")
        for (key, value) in [("base_url", baseURL), ("url", url)] {
            if let value, !(value.hasPrefix("https://") || value.hasPrefix("http://")) || value.count < 10 {
                table.invalid(key, "expected an http:// or https:// URL, found \"\(value)\"")
            }
        }
        let keyFile = table.string("key_file", expected: "the path of a file holding the data.go.kr decoded service key")
        let region = table.string("region", expected: "an ISO 3166-2 code such as \"KR-46\"")
        if let region, !isRegion(region) { table.invalid("region", "expected an ISO 3166-2 code such as \"KR-46\", \"KR-49\" or \"KR\", found \"\(region)\"") }
        var source = Source(api: API(rawValue: apiName ?? "") ?? .sumperfuel5m, name: name ?? apiName ?? "", line: table.line)
        source.baseURL = baseURL
        source.url = url
        source.keyFile = keyFile
        source.keyFileLine = table.table.entry("key_file")?.value.line
        source.region = region
        source.dataType = table.choice("data_type", from: ["json", "xml"])
        source.pageSize = table.integer("page_size", in: 1...10_000, unit: "rows").map { Int($0) }
        source.every = table.duration("every", in: .seconds(1) ... .seconds(86400))
        source.dailyLimit = table.integer("daily_limit", in: 0...1_000_000, unit: "calls (0: no limit)").map { Int($0) }
        source.reserve = table.integer("reserve", in: 0...1_000_000, unit: "calls").map { Int($0) }
        source.lookbackDays = table.integer("lookback_days", in: 1...400, unit: "days").map { Int($0) }
        source.daysPerPoll = table.integer("days_per_poll", in: 1...100, unit: "days").map { Int($0) }
        source.timeout = table.duration("timeout", in: .milliseconds(100) ... .seconds(300))
        source.retries = table.integer("retries", in: 0...10).map { Int($0) }
        source.retryBase = table.duration("retry_base", in: .milliseconds(10) ... .seconds(300))
        if let limit = source.dailyLimit, let reserve = source.reserve, limit > 0, reserve >= limit {
            table.invalid("reserve", "the reserve (\(reserve)) must be smaller than daily_limit (\(limit))")
        }
        table.finish()
        guard let apiName, let api = API(rawValue: apiName) else { return nil }
        checkKeys(table, source: source, api: api)
        return source
    }

    /// Which keys make sense for which API: a key that would be ignored is an error, as everywhere.
    private static func checkKeys(_ table: TableReader, source: Source, api: API) {
        let note = "for api = \"\(api.rawValue)\""
        if api == .greencapJSON {
            if source.url == nil { table.missing("url", "the feed document's URL \(note)") }
            for key in ["base_url", "key_file", "data_type", "page_size", "lookback_days", "days_per_poll"]
            where table.table.entry(key) != nil {
                table.invalid(key, "not used \(note) (it takes url, region, every, daily_limit, reserve, timeout, retries, retry_base)")
            }
            return
        }
        if source.keyFile == nil { table.missing("key_file", "the path of the file holding the data.go.kr decoded service key \(note)") }
        if table.table.entry("url") != nil { table.invalid("url", "not used \(note); the gateway is set with base_url") }
        let fixed: [API: String] = [.sumperfuel5m: "KR", .jeju5m: "KR-49"]
        if let region = source.region {
            if let only = fixed[api], region != only { table.invalid("region", "\(api.rawValue) covers \(only) only, found \"\(region)\"") }
            if api == .smpDemand { table.invalid("region", "not used \(note): it gives KR and KR-49 together") }
        }
        if api != .pvByRegion {
            for key in ["lookback_days", "days_per_poll"] where table.table.entry(key) != nil {
                table.invalid(key, "only used for api = \"pv-by-region\"")
            }
        }
    }

    static func isRegion(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.first == "KR" else { return false }
        return parts.count == 1 || (parts.count == 2 && parts[1].count == 2 && parts[1].allSatisfy { $0.isASCII && $0.isNumber })
    }
}
