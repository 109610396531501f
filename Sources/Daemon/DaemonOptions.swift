import ArgumentParser
import GreencapConfig

/// Command-line options shared by `greencap-agent` and `greencap-collector`.
public struct DaemonOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Configuration file.", valueName: "path"))
    public var config: String?

    @Flag(name: .long, help: "Validate the configuration file, print every problem found, and exit (0 valid, 78 invalid).")
    public var checkConfig = false

    @Option(
        name: .long,
        help: ArgumentHelp("Log level, overriding [log] level: trace, debug, info, notice, warning, error, critical.", valueName: "level"))
    public var logLevel: String?

    @Argument(help: ArgumentHelp("Configuration file (same as --config).", valueName: "config-file"))
    public var configFile: String?

    public init() {}

    public mutating func validate() throws {
        if config != nil && configFile != nil {
            throw ValidationError("give the configuration file once: either --config PATH or a bare PATH")
        }
        if let logLevel, LogLevel(rawValue: logLevel) == nil {
            throw ValidationError(
                "--log-level must be one of \(LogLevel.allCases.map(\.rawValue).joined(separator: ", ")), not '\(logLevel)'")
        }
    }

    public func configPath(default defaultPath: String) -> String {
        config ?? configFile ?? defaultPath
    }

    public var logLevelOverride: LogLevel? { logLevel.flatMap(LogLevel.init(rawValue:)) }
}

/// sysexits(3) EX_CONFIG: systemd units list it in RestartPreventExitStatus so a bad file does not loop.
public let exitCodeInvalidConfig: Int32 = 78
