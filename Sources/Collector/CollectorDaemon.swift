import Daemon
import GreencapConfig
import GreencapCore
import Grid
import ServiceLifecycle

/// `greencap-collector`: the central daemon, assembled from its services.
public enum CollectorDaemon {
    public static func run(options: DaemonOptions) async -> Int32 {
        let path = options.configPath(default: CollectorConfig.defaultPath)
        if options.checkConfig {
            return DaemonRunner.checkConfig(
                path: path, load: { (path) throws(ConfigError) in try CollectorConfig.load(path: path) },
                deepCheck: { config in
                    if config.grid.source == .replay, let replay = config.grid.replay {
                        _ = try GridReplaySource.load(replay, region: config.grid.region)
                    }
                    if config.grid.source == .live { try GridLiveSetup.checkKeyFiles(config, path: path) }
                    if let certificate = config.ingest.tlsCertificate, let key = config.ingest.tlsKey {
                        _ = try IngestTLS(certificate: certificate, key: key)
                    }
                })
        }
        return await DaemonRunner.run(
            name: "greencap-collector",
            configPath: path,
            logLevelOverride: options.logLevelOverride,
            load: { (path) throws(ConfigError) in try CollectorConfig.load(path: path) },
            logLevelOf: { $0.log.level },
            restartNeeded: { started, fresh in
                var changed: [String] = []
                if started.storage != fresh.storage { changed.append("storage") }
                if started.grid != fresh.grid { changed.append("grid") }
                if started.policy != fresh.policy { changed.append("policy") }
                if started.ingest != fresh.ingest { changed.append("ingest") }
                if started.http != fresh.http { changed.append("http") }
                if started.remoteWrite != fresh.remoteWrite { changed.append("remote_write") }
                if started.api != fresh.api { changed.append("api") }
                return changed
            },
            makeServices: { context in
                let config = context.config.current
                let store = try SQLiteStore(path: config.storage.path)
                var replay: ReplayFeed?
                var timeline: ReplayTimeline?
                if config.grid.source == .replay, let settings = config.grid.replay {
                    let feed = try GridReplaySource.load(settings, region: config.grid.region)
                    replay = feed
                    if settings.timeline == .now, let first = feed.hour(0) {
                        timeline = ReplayTimeline(dataAnchorUTC: first.record.startUTC, wallAnchorMs: Timestamp.nowMilliseconds(), speed: feed.speed)
                    }
                    context.logger.info(
                        "grid replay loaded",
                        metadata: [
                            "file": "\(settings.file)", "hours": "\(feed.records.count)", "speed": "\(settings.speed)",
                            "timeline": "\(settings.timeline.rawValue)",
                        ])
                }
                var policyLogger = context.logger
                policyLogger[metadataKey: "source"] = "policy"
                let planner = PolicyPlanner(settings: config.policy, score: CurrentGreenScore(), logger: policyLogger)
                var liveStatus: GridLiveStatus?
                var live: [any Service] = []
                if config.grid.source == .live {
                    let status = GridLiveStatus()
                    let pollers = try GridLiveSetup.pollers(config, logger: context.logger)
                    let hours = LiveGridHours(store: store, region: config.grid.region, score: planner.score, logger: context.logger)
                    live = [GridLiveService(pollers: pollers, store: store, status: status, hours: hours, logger: context.logger)]
                    liveStatus = status
                }
                planner.reloadRules()
                let metrics = CollectorMetrics()
                let ingest = try IngestSetup.services(config, store: store, logger: context.logger, policy: planner, metrics: metrics)
                // API caps: loaded before any node connects, pushed at once when an engineer changes one.
                let caps = CapControl(store: store, planner: planner, settings: config.api)
                planner.setAPICaps(try store.capsInForceNow(now: caps.now()))
                planner.setLayout(try store.fleetLayoutNow())
                if let server = ingest.lazy.compactMap({ $0 as? IngestServer }).first { planner.onChange { server.policyChanged() } }
                let authority = APIAuthority(tokensFile: config.api.tokensFile, logger: context.logger)
                let api: [any Service] = [CapLeaseService(control: caps, logger: context.logger), APITokenReloadService(authority: authority)]
                var http: [any Service] = []
                if config.http.enabled {
                    http.append(
                        CollectorHTTPServer(
                            settings: config.http, store: store,
                            telemetry: config.ingest.enabled ? SQLiteTelemetryQueries(store: store) : nil,
                            metrics: metrics, region: config.grid.region, timeline: timeline, site: config.grid.sitePowerBudget, logger: context.logger, authority: authority, caps: caps))
                }
                let export = try RemoteWriteExportSetup.services(config.remoteWrite, store: store, logger: context.logger)
                return [
                    CollectorLoop(
                        store: store, replay: replay, region: config.grid.region, heartbeat: context.heartbeat,
                        notifier: context.notifier, logger: context.logger, liveStatus: liveStatus, planner: planner, timeline: timeline)
                ] + live + ingest + http + export + api
            })
    }
}
