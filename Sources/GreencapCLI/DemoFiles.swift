import Foundation

/// Where the demo finds its executables and data, and how it writes its state directory.
enum DemoFiles {
    static let gridFileName = "jeonnam_solar_wind_hourly_2023-03_2023-12.csv"

    /// The directory holding this executable; the daemons are built beside it.
    static var executableDirectory: String {
        let resolved = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return (resolved as NSString).deletingLastPathComponent
    }

    /// `Data/grid/<file>` in the working directory, or above the executable (a build tree inside the repo).
    static func findGridFile() throws(DemoError) -> String {
        var candidates = [FileManager.default.currentDirectoryPath + "/Data/grid/" + gridFileName]
        var directory = executableDirectory
        for _ in 0..<6 {
            directory = (directory as NSString).deletingLastPathComponent
            candidates.append(directory + "/Data/grid/" + gridFileName)
        }
        candidates.append("/usr/share/greencap/grid/" + gridFileName)
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) { return found }
        throw .missingFile(what: "the Jeonnam replay data (\(gridFileName))", tried: candidates)
    }

    static func write(_ text: String, to path: String) throws(DemoError) {
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw .cannotWrite(path: path, reason: error.localizedDescription)
        }
    }

    static func prepareStateDirectory(_ path: String) throws(DemoError) {
        let manager = FileManager.default
        do {
            for stale in ["collector.sqlite", "collector.sqlite-wal", "collector.sqlite-shm", "logs", "config"] {
                let target = path + "/" + stale
                if manager.fileExists(atPath: target) { try manager.removeItem(atPath: target) }
            }
            try manager.createDirectory(atPath: path + "/logs", withIntermediateDirectories: true)
            try manager.createDirectory(atPath: path + "/config", withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(path: path, reason: error.localizedDescription)
        }
    }
}
