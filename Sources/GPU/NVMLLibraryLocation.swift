/// Which NVML library to load, and where that choice came from (logged, so an operator can tell).
public struct NVMLLibraryLocation: Sendable, Hashable, CustomStringConvertible {
    public enum Source: Sendable, Hashable {
        case commandLine
        case environment
        case configuration
        case builtIn
    }

    public static let environmentVariable = "GREENCAP_NVML_LIBRARY"
    /// The driver's soname; the dynamic loader finds it wherever the driver package put it.
    public static let defaultPath = "libnvidia-ml.so.1"

    public var path: String
    public var source: Source

    public init(path: String, source: Source) {
        self.path = path
        self.source = source
    }

    /// First of: the command-line flag, `GREENCAP_NVML_LIBRARY`, the config file's `[gpu] nvml_library`,
    /// the driver's soname.
    /// `environmentValue` is the value of `GREENCAP_NVML_LIBRARY`, if set.
    public static func resolve(flag: String?, environmentValue: String?, configured: String?) -> NVMLLibraryLocation {
        if let flag, !flag.isEmpty { return NVMLLibraryLocation(path: flag, source: .commandLine) }
        if let value = environmentValue, !value.isEmpty {
            return NVMLLibraryLocation(path: value, source: .environment)
        }
        if let configured, !configured.isEmpty { return NVMLLibraryLocation(path: configured, source: .configuration) }
        return NVMLLibraryLocation(path: defaultPath, source: .builtIn)
    }

    public var description: String {
        switch source {
        case .commandLine: "\(path) (from --nvml-library)"
        case .environment: "\(path) (from \(Self.environmentVariable))"
        case .configuration: "\(path) (from [gpu] nvml_library)"
        case .builtIn: "\(path) (the driver's default)"
        }
    }
}
