import GreencapCore

/// Everything `greencap-collector` reads from `/etc/greencap/collector.toml`. Keys are documented in
/// `docs/configuration.md`; `Config/collector.example.toml` shows each one.
public struct CollectorConfig: Sendable, Equatable {
    public static let defaultPath = "/etc/greencap/collector.toml"

    public struct Storage: Sendable, Equatable {
        /// The SQLite database file; its directory must exist and be writable.
        public var path = "/var/lib/greencap/collector.sqlite"
        /// Commit batching and retention of telemetry (`commit_interval`, `commit_batches`, `raw_retention`,
        /// `retention_check`).
        public var telemetry = TelemetryStorageSettings()
    }

    /// Where the renewable feed comes from: nothing, recorded data played back, or live KPX / Greencap feeds.
    public struct Grid: Sendable, Equatable {
        public enum Source: String, Sendable, Equatable { case none, replay, live }
        public var source: Source = .none
        /// ISO 3166-2 region whose feed drives the green score (`KR-46` is Jeonnam).
        public var region = "KR-46"
        public var replay: Replay?
        /// `[grid.live]`; always read and checked, used when `source = "live"`.
        public var live = GridLiveSettings()
        /// The site's power budget at a green score of 0 and of 1 (`site_floor`, `site_ceiling`): the budget
        /// per forecast hour and the job windows that fit a job's power. nil: not configured.
        public var siteFloor: Milliwatts?
        public var siteCeiling: Milliwatts?
    }

    public struct Replay: Sendable, Equatable {
        /// A normalized hourly CSV (`ts_start_kst,trade_date,trade_hour,solar_mwh,wind_mwh`).
        public var file: String
        /// Simulated seconds per wall-clock second.
        public var speed: Int64 = 3600
        /// Simulated start; `nil` starts at the first record of the file.
        public var start: String?
        /// Start over at the first record when the file is exhausted.
        public var loop = true
        /// `recorded`: the API reports the recording's own times. `now`: the replay is presented as the
        /// present (the API in wall-clock time, the file's earlier hours on record at start); see ReplayTimeline.
        public var timeline: ReplayTimelineMode = .recorded
    }

    public enum ReplayTimelineMode: String, Sendable, Equatable { case recorded, now }

    public var storage = Storage()
    public var ingest = IngestSettings()
    public var grid = Grid()
    public var policy = PolicySettings()
    public var log = LogSettings()
    public var http = HTTPSettings()
    public var remoteWrite = RemoteWriteSettings()
    /// `[api]`: API tokens and the bounds on caps set through the API.
    public var api = APISettings()

    public init() {}

    public static let speedRange: ClosedRange<Int64> = 1...1_000_000

    public static func load(path: String, text: String? = nil) throws(ConfigError) -> CollectorConfig {
        try loadConfig(path: path, text: text) { root in
            var config = CollectorConfig()

            let storage = root.table("storage")
            if let path = storage.string("path", expected: "a file path") {
                if path.isEmpty { storage.invalid("path", "expected a file path, found an empty string") }
                config.storage.path = path
            }
            TelemetryStorageSettings.read(into: &config.storage.telemetry, storage)
            storage.finish()

            config.ingest = IngestSettings.read(root.table("ingest"))

            let grid = root.table("grid")
            if let source = grid.choice("source", from: ["none", "replay", "live"]) {
                config.grid.source = Grid.Source(rawValue: source) ?? .none
            }
            if let region = grid.choice("region", from: ["KR-46", "KR-49", "KR"]) { config.grid.region = region }
            let replayTable = grid.table("replay")
            let file = replayTable.string("file", expected: "a path to a normalized hourly CSV")
            let speed = replayTable.integer("speed", in: speedRange, unit: "simulated seconds per second")
            let start = replayTable.string("start", expected: "an RFC 3339 date-time string such as \"2023-05-01T00:00:00+09:00\"")
            if let start, Timestamp.parseRFC3339(start) == nil {
                replayTable.invalid("start", "expected an RFC 3339 date-time such as \"2023-05-01T00:00:00+09:00\", found \"\(start)\"")
            }
            let loop = replayTable.boolean("loop")
            let timeline = replayTable.choice("timeline", from: ["recorded", "now"]).flatMap(ReplayTimelineMode.init(rawValue:))
            if timeline == .now && loop != false {
                replayTable.invalid(
                    "timeline", "timeline = \"now\" plays the file once (the wall clock does not go back): add loop = false")
            }
            replayTable.finish()
            let siteRange = Milliwatts(0)...Milliwatts(1_000_000_000_000)
            config.grid.siteFloor = grid.power("site_floor", in: siteRange)
            config.grid.siteCeiling = grid.power("site_ceiling", in: siteRange)
            if (grid.table.entry("site_floor") == nil) != (grid.table.entry("site_ceiling") == nil) {
                grid.invalid(
                    grid.table.entry("site_floor") == nil ? "site_ceiling" : "site_floor",
                    "give both site_floor and site_ceiling (the site's budget at green score 0 and 1), or neither")
            } else if let floor = config.grid.siteFloor, let ceiling = config.grid.siteCeiling, ceiling < floor {
                grid.invalid("site_ceiling", "must be at least site_floor (\(floor.wholeWattsText)), found \(ceiling.wholeWattsText)")
            }
            let liveTable = grid.table("live")
            config.grid.live = GridLiveSettings.read(liveTable)
            grid.finish()
            if config.grid.source == .live && config.grid.live.sources.isEmpty && liveTable.table.entry("source") == nil {
                liveTable.missing("source", "at least one [[grid.live.source]] when grid.source = \"live\"")
            }
            if config.grid.source == .replay {
                if let file {
                    var replay = Replay(file: file)
                    if let speed { replay.speed = speed }
                    replay.start = start
                    if let loop { replay.loop = loop }
                    if let timeline { replay.timeline = timeline }
                    config.grid.replay = replay
                } else if replayTable.table.entry("file") == nil {
                    replayTable.missing("file", "a path to a normalized hourly CSV when grid.source = \"replay\"")
                }
            }

            let policyTable = root.table("policy")
            config.policy = PolicySettings.read(policyTable)
            if config.ingest.policyEvery * 2 > config.policy.lease {
                root.diagnostics.report(
                    line: policyTable.table.entry("lease")?.value.line ?? policyTable.line, key: "policy.lease",
                    "must be at least twice [ingest] policy_every (\(format(config.ingest.policyEvery))), found \(format(config.policy.lease)): one lost push would expire every node's policy")
            }
            config.log = LogSettings.read(root.table("log"))
            config.http = HTTPSettings.read(root.table("http"))
            config.remoteWrite = RemoteWriteSettings.read(root.table("remote_write"))
            config.api = APISettings.read(root.table("api"))
            return config
        }
    }
}
