import Daemon
import GreencapConfig
import GreencapCore
import Grid

/// Loads the replay feed named by `[grid.replay]`.
enum GridReplaySource {
    static func load(_ replay: CollectorConfig.Replay, region: String) throws(GridSourceError) -> ReplayFeed {
        let text: String
        do {
            // A year of hourly rows is about 400 KB; the limit only stops a wrong path from eating memory.
            text = try TextFile.read(path: replay.file, limit: 256 << 20)
        } catch {
            throw .unreadable(file: replay.file, reason: error.reason)
        }
        let records: [FeedRecord]
        do {
            records = try NormalizedHourlyCSV.parse(text, file: replay.file, region: region)
        } catch {
            throw .badFile(error)
        }
        do {
            return try ReplayFeed(
                records: records, speed: replay.speed, startUTC: replay.start.flatMap(Timestamp.parseRFC3339),
                loop: replay.loop)
        } catch {
            throw .badReplay(file: replay.file, error)
        }
    }
}

public enum GridSourceError: ConfigurationFault, Sendable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case badFile(FeedFileError)
    case badReplay(file: String, ReplayError)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason): "cannot read grid replay file \(file): \(reason)"
        case .badFile(let error): "\(error)"
        case .badReplay(let file, let error): "\(file): \(error)"
        }
    }
}
