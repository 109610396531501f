import GreencapCore
import Logging

/// The agent's handle on its GPUs: NVML on a thread of its own, reached with `await`.
///
/// NVML calls block (a first init can take seconds, a sick GPU can stall a call), so every one runs on
/// a dedicated thread, never on Swift's cooperative pool. If NVML cannot be loaded or initialised, the
/// service says why, keeps running, and tries again every `rediscoverEvery`.
public final class GPUService: Sendable {
    public enum Status: Sendable {
        case reading(FleetReading)
        case unavailable(reason: String)
    }

    public let location: NVMLLibraryLocation
    public let writeMode: GPUFleet.WriteMode
    public let rediscoverEvery: Duration
    private let logger: Logger
    private let thread = DedicatedThread(name: "greencap-nvml")
    private let state = ConfinedState()

    /// Touched only from `thread`; that confinement is what makes the unchecked Sendable sound.
    private final class ConfinedState: @unchecked Sendable {
        var fleet: GPUFleet?
        var lastAttempt: ContinuousClock.Instant?
        var lastFailure: String?
    }

    public init(location: NVMLLibraryLocation, writeMode: GPUFleet.WriteMode, rediscoverEvery: Duration, logger: Logger) {
        self.location = location
        self.writeMode = writeMode
        self.rediscoverEvery = rediscoverEvery
        self.logger = logger
    }

    /// One read of every GPU (opening NVML first if it is not open yet).
    public func read() async -> Status {
        await thread.run { [self] in
            guard let fleet = openIfDue() else { return .unavailable(reason: state.lastFailure ?? "NVML not opened yet") }
            return .reading(fleet.read())
        }
    }

    public func setPowerLimit(gpu: String, to limit: Milliwatts) async throws(GPUWriteError) -> LimitChange {
        try await thread.run { [self] () throws(GPUWriteError) -> LimitChange in
            guard let fleet = state.fleet else { throw .nvmlUnavailable(reason: state.lastFailure ?? "not opened yet") }
            return try fleet.setPowerLimit(gpu: gpu, to: limit)
        }
    }

    /// Shuts NVML down and ends the thread.
    public func stop() async {
        await thread.run { [state] in
            state.fleet?.library.shutdown()
            state.fleet = nil
        }
        thread.stop()
    }

    private func openIfDue() -> GPUFleet? {
        if let fleet = state.fleet { return fleet }
        let clock = ContinuousClock()
        if let last = state.lastAttempt, clock.now - last < rediscoverEvery { return nil }
        state.lastAttempt = clock.now
        do throws(NVMLLoadError) {
            let library = try NVMLLibrary(path: location.path)
            let fleet = try GPUFleet(library: library, writeMode: writeMode, rediscoverEvery: rediscoverEvery, logger: logger)
            state.fleet = fleet
            state.lastFailure = nil
            return fleet
        } catch {
            let reason = "\(error)"
            if reason != state.lastFailure {
                logger.error(
                    "NVML unavailable; GPUs are not read or capped; retrying",
                    metadata: ["library": "\(location)", "error": "\(reason)", "retry_every": "\(rediscoverEvery)"])
            }
            state.lastFailure = reason
            return nil
        }
    }
}
