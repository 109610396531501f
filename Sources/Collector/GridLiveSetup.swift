import Daemon
import Foundation
import GreencapConfig
import GridLive
import Logging

/// Turns `[grid.live]` into pollers: GridLive's settings per source, the state directory with the quota
/// file and the page cache, and one shared HTTP transport.
enum GridLiveSetup {
    static func stateDirectory(_ config: CollectorConfig) -> String {
        if let directory = config.grid.live.stateDirectory { return directory }
        let store = URL(fileURLWithPath: config.storage.path).deletingLastPathComponent().path
        return store + "/grid-live"
    }

    static func settings(_ source: GridLiveSettings.Source) -> LiveSourceSettings {
        let api = LiveAPI(rawValue: source.api.rawValue) ?? .greencapJSON
        var retry = RetryPolicy()
        if let retries = source.retries { retry.retries = retries }
        if let base = source.retryBase { retry.base = base }
        var settings = LiveSourceSettings(
            api: api, name: source.name, url: api == .greencapJSON ? source.url : source.baseURL, keyFile: source.keyFile,
            region: source.region, dataType: source.dataType == "xml" ? .xml : .json, pageSize: source.pageSize,
            every: source.every, dailyLimit: source.dailyLimit, timeout: source.timeout ?? .seconds(30), retry: retry)
        if let reserve = source.reserve { settings.reserve = reserve }
        if let days = source.lookbackDays { settings.lookbackDays = days }
        if let days = source.daysPerPoll { settings.daysPerPoll = days }
        return settings
    }

    static func pollers(_ config: CollectorConfig, logger: Logger) throws(GridLiveSetupError) -> [LiveSourcePoller] {
        let directory = stateDirectory(config)
        do {
            try FileManager.default.createDirectory(atPath: directory + "/cache", withIntermediateDirectories: true)
        } catch {
            throw GridLiveSetupError(directory: directory, reason: "\(error)")
        }
        let now = Int64(Date().timeIntervalSince1970)
        let ledger = QuotaLedger(path: directory + "/quota.json", logger: logger, now: now)
        let cache = PageCache(directory: directory + "/cache")
        let transport = HTTPClientTransport(logger: logger)
        return config.grid.live.sources.map { source in
            LiveSourcePoller(settings: settings(source), transport: transport, ledger: ledger, cache: cache, logger: logger)
        }
    }

    /// `--check-config`: every key file can be used (exists, not world-readable, not empty).
    static func checkKeyFiles(_ config: CollectorConfig, path: String) throws(GridKeyFileFault) {
        for (index, source) in config.grid.live.sources.enumerated() {
            guard let file = source.keyFile else { continue }
            do {
                _ = try ServiceKey.load(path: file)
            } catch {
                let location = source.keyFileLine.map { "\(path):\($0)" } ?? path
                throw GridKeyFileFault(description: "\(location): key 'grid.live.source[\(index + 1)].key_file': \(error)")
            }
        }
    }
}

/// The state directory cannot be made: an environment problem (exit 1, systemd retries).
struct GridLiveSetupError: Error, CustomStringConvertible {
    var directory: String
    var reason: String
    var description: String { "cannot create the grid live state directory \(directory): \(reason)" }
}

/// A key file the configuration names cannot be used; found by `--check-config`.
public struct GridKeyFileFault: ConfigurationFault, CustomStringConvertible {
    public var description: String
}
