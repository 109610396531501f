import ArgumentParser
import Foundation
import GPU
import GreencapConfig
import Logging

/// Options every `greencap gpu` command shares, and opening NVML with them.
struct GPUOptions: ParsableArguments {
    @Option(help: "NVML library to load (path or soname).")
    var nvmlLibrary: String?

    @Option(help: "Agent config whose [gpu] nvml_library to use (default: /etc/greencap/agent.toml if it exists).")
    var agentConfig: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    /// The library to load, and where the choice came from.
    func location() throws -> NVMLLibraryLocation {
        var configured: String?
        let configPath = agentConfig ?? AgentConfig.defaultPath
        if agentConfig != nil || FileManager.default.isReadableFile(atPath: configPath) {
            do {
                configured = try AgentConfig.load(path: configPath).gpu.nvmlLibrary
            } catch {
                let problems = error.issues.map(\.description).joined(separator: "\n")
                throw CLIError("cannot use \(configPath) for [gpu] nvml_library:\n\(problems)")
            }
        }
        return NVMLLibraryLocation.resolve(
            flag: nvmlLibrary, environmentValue: ProcessInfo.processInfo.environment[NVMLLibraryLocation.environmentVariable],
            configured: configured)
    }

    /// NVML opened and enumerated, read-only: these commands never change a GPU setting.
    func openFleet() throws -> GPUFleet {
        let location = try location()
        do {
            let library = try NVMLLibrary(path: location.path)
            return try GPUFleet(library: library, writeMode: .readOnly, logger: cliLogger())
        } catch {
            throw CLIError("\(error)\n(library: \(location))")
        }
    }
}

/// A command-line failure: printed as `greencap: <message>`, exit status 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Library log lines (a GPU lost, a field refused) go to standard error, so standard output stays clean
/// for tables and JSON.
func cliLogger() -> Logger {
    var logger = Logger(label: "greencap") { label in StreamLogHandler.standardError(label: label) }
    logger.logLevel = .warning
    return logger
}

/// JSON with stable key order, for scripts and diffs.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(value)
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
}
