import Foundation

/// Locations the tests need: the repository (for Data/, Config/, Systemd/) and the built executables.
public enum Paths {
    /// The repository root, found from this source file's location.
    public static let repository: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The directory of the running test bundle, where SwiftPM also puts the executables.
    public static let binaries: String = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().path
    }()

    /// Path of a built executable; fails loudly when it is missing (build with `swift build` first).
    public static func executable(_ name: String) throws -> String {
        let path = binaries + "/" + name
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestFailure("\(path) is not built; run `swift build` (make test does) before the system tests")
        }
        return path
    }

    public static let jeonnamCSV = repository + "/Data/grid/jeonnam_solar_wind_hourly_2023-03_2023-12.csv"
}

public struct TemporaryDirectory {
    public let path: String

    public static func make() throws -> TemporaryDirectory {
        let path = NSTemporaryDirectory() + "greencap-test-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return TemporaryDirectory(path: path)
    }

    public func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
