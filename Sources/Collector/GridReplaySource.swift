import Daemon
import GreencapConfig
import GreencapCore
import Grid

#if canImport(Glibc)
import Glibc
#endif

/// Loads the replay feed named by `[grid.replay]`.
enum GridReplaySource {
    static func load(_ replay: CollectorConfig.Replay, region: String) throws(GridSourceError) -> ReplayFeed {
        let text: String
        do {
            text = try readFile(replay.file)
        } catch {
            throw .unreadable(file: replay.file, reason: error.reason)
        }
        let records: [HourlyRecord]
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

    struct ReadError: Error { let reason: String }

    static func readFile(_ path: String) throws(ReadError) -> String {
        guard let handle = fopen(path, "rb") else { throw ReadError(reason: String(cString: strerror(errno))) }
        defer { fclose(handle) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, handle)
            if count > 0 { bytes.append(contentsOf: buffer[0..<count]) }
            if count < buffer.count {
                if ferror(handle) != 0 { throw ReadError(reason: String(cString: strerror(errno))) }
                break
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ReadError(reason: "not UTF-8 (raw KPX CP949 files go through `greencap grid import` first)")
        }
        return text
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
