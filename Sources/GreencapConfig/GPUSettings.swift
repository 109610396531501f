import GreencapCore

/// `[gpu]` in agent.toml: how the agent reaches its GPUs through NVML.
public struct GPUSettings: Sendable, Equatable {
    /// Read GPUs at all. Off on nodes without NVIDIA GPUs.
    public var enabled = true
    /// Path or soname of the NVML library; nil means GREENCAP_NVML_LIBRARY, else libnvidia-ml.so.1.
    public var nvmlLibrary: String?
    public var writes: GPUWriteMode = .enforce
    /// How often to enumerate again while a GPU is lost or NVML is down.
    public var rediscover: Duration = .seconds(30)

    public static let rediscoverRange: ClosedRange<Duration> = .seconds(1) ... .seconds(600)

    public init() {}

    static func read(_ table: TableReader) -> GPUSettings {
        var settings = GPUSettings()
        if let enabled = table.boolean("enabled") { settings.enabled = enabled }
        if let path = table.string("nvml_library", expected: "a library path or soname such as \"libnvidia-ml.so.1\"") {
            if path.isEmpty { table.invalid("nvml_library", "expected a library path or soname, found an empty string") }
            else { settings.nvmlLibrary = path }
        }
        if let writes = table.choice("writes", from: GPUWriteMode.allCases.map(\.rawValue)), let mode = GPUWriteMode(rawValue: writes) {
            settings.writes = mode
        }
        if let rediscover = table.duration("rediscover", in: rediscoverRange) { settings.rediscover = rediscover }
        table.finish()
        return settings
    }
}
