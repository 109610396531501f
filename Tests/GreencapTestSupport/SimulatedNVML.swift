import Foundation

/// A private copy of the NVML simulator library with its own scenario file.
///
/// The dynamic loader shares one instance per library file, so each test loads its own copy: limits set
/// or GPUs lost in one test cannot leak into the next.
public final class SimulatedNVML {
    public static let libraryName = "libgreencap-nvml-sim.so"
    public let directory: TemporaryDirectory
    public let libraryPath: String
    public let scenarioPath: String

    /// The simulator as built by SwiftPM beside the test bundle; fails loudly when it is missing.
    public static func builtLibrary() throws -> String {
        let path = Paths.binaries + "/" + libraryName
        guard FileManager.default.fileExists(atPath: path) else {
            throw TestFailure("\(path) is not built; run `swift build --build-tests` (make test does)")
        }
        return path
    }

    /// Copies the simulator, writes `scenario`, and points GREENCAP_NVML_SIM_SCENARIO at it.
    public init(scenario: String = "") throws {
        directory = try TemporaryDirectory.make()
        libraryPath = directory.path + "/" + Self.libraryName
        try FileManager.default.copyItem(atPath: try Self.builtLibrary(), toPath: libraryPath)
        scenarioPath = try directory.write("gpu.scenario", scenario)
        setenv("GREENCAP_NVML_SIM_SCENARIO", scenarioPath, 1)
    }

    /// Rewrites the scenario, then waits past the simulator's 20 ms change check so the next call sees it.
    public func update(_ scenario: String) throws {
        _ = try directory.write("gpu.scenario", scenario)
        Thread.sleep(forTimeInterval: 0.06)
    }

    deinit { directory.remove() }
}
