import GPU
import GreencapConfig
import GreencapCore
import Logging

/// The GPU part of each tick: one read of every GPU, summarised for the status line.
///
/// The agent leaves power limits as they are when it stops: restoring defaults would uncap the node,
/// and a failure must never uncap (DESIGN.md, safety invariant 1).
public struct GPUSampler: Sendable {
    public let service: GPUService

    /// `environmentValue`: the value of `GREENCAP_NVML_LIBRARY`, if set.
    public init(settings: GPUSettings, environmentValue: String?, logger: Logger) {
        let location = NVMLLibraryLocation.resolve(flag: nil, environmentValue: environmentValue, configured: settings.nvmlLibrary)
        logger.info("GPU library chosen", metadata: ["library": "\(location)", "writes": "\(settings.writes.rawValue)"])
        service = GPUService(location: location, writeMode: settings.writes, rediscoverEvery: settings.rediscover, logger: logger)
    }

    public func sample() async -> (status: GPUService.Status, summary: String) {
        let status = await service.read()
        return (status, Self.summarize(status))
    }

    static func summarize(_ status: GPUService.Status) -> String {
        switch status {
        case .unavailable(let reason):
            return "GPUs unread: \(reason)"
        case .reading(let fleet):
            if let failure = fleet.libraryFailure { return "GPUs unread: NVML stopped working (\(failure)); retrying" }
            let total = fleet.gpus.count + fleet.lost.count
            var text = "\(fleet.gpus.count)/\(total) GPUs \(fleet.totalPower.wholeWattsText)"
            let limits = fleet.gpus.compactMap(\.limits.enforced)
            if limits.count == fleet.gpus.count, !limits.isEmpty {
                text += " (limit \(limits.reduce(Milliwatts(0), +).wholeWattsText))"
            }
            if !fleet.lost.isEmpty {
                text += "; lost: " + fleet.lost.map { "GPU \($0.index)" }.joined(separator: ", ")
            }
            return text
        }
    }
}
