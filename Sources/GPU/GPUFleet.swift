import GreencapCore
import Logging

/// Every GPU on the node, read and capped through one NVML library.
///
/// A GPU that stops answering is logged once and excluded; the others keep working. Re-enumeration (due
/// every `rediscoverEvery` while anything is missing) brings it back. NVML as a whole failing (driver
/// unloaded, library/driver mismatch) is retried the same way. Nothing NVML returns stops the fleet.
/// Not thread-safe: own it from one thread (`GPUService` does).
public final class GPUFleet {
    public typealias WriteMode = GPUWriteMode

    public let library: NVMLLibrary
    public let writeMode: WriteMode
    public let rediscoverEvery: Duration
    /// False forces one call per value even where the driver batches: for measuring what batching saves.
    public let batching: Bool
    let logger: Logger
    var slots: [GPUSlot] = []
    var lost: [UInt32: LostGPU] = [:]
    private var libraryFailure: NVMLCallError?
    private var lastDiscovery: ContinuousClock.Instant?
    private var enumeratedCount: UInt32 = 0
    private let clock = ContinuousClock()

    /// Initialises NVML (if needed) and enumerates the GPUs.
    public init(
        library: NVMLLibrary, writeMode: WriteMode, rediscoverEvery: Duration = .seconds(30), batching: Bool = true,
        logger: Logger
    ) throws(NVMLLoadError) {
        self.library = library
        self.writeMode = writeMode
        self.rediscoverEvery = rediscoverEvery
        self.batching = batching
        self.logger = logger
        try library.initialize()
        var missing = library.missingOptionalFunctions
        missing.sort()
        logger.info(
            "NVML ready",
            metadata: [
                "library": "\(library.path)", "driver": "\(library.driverVersion)",
                "nvml": "\(library.nvmlVersion ?? "unknown")", "writes": "\(writeMode.rawValue)",
                "missing_optional": "\(missing.isEmpty ? "none" : missing.joined(separator: ","))",
            ])
        discover()
    }

    /// The GPUs answering now.
    public var identities: [GPUIdentity] { slots.map(\.identity) }

    /// The GPUs enumerated but not answering.
    public var lostGPUs: [LostGPU] { lost.values.sorted { $0.index < $1.index } }

    /// Reads every answering GPU once, re-enumerating first when that is due.
    public func read() -> FleetReading {
        rediscoverIfDue()
        let callsBefore = library.calls
        if let failure = libraryFailure {
            return FleetReading(gpus: [], lost: lostGPUs, calls: library.calls - callsBefore, batched: false, libraryFailure: failure)
        }
        var readings: [GPUReading] = []
        readings.reserveCapacity(slots.count)
        var batched = false
        var index = 0
        let reader = GPUReader(library: library)
        while index < slots.count {
            let before = (slots[index].unavailable, slots[index].transient)
            do throws(ReadAbort) {
                let (reading, usedBatch) = try reader.read(&slots[index])
                logFieldChanges(slots[index], before: before)
                readings.append(reading)
                batched = batched || usedBatch
                index += 1
            } catch {
                switch error {
                case .gpuLost(let function, let failure):
                    markLost(at: index, function: function, failure: failure)
                case .libraryUnusable(let function, let failure):
                    markLibraryUnusable(function: function, failure: failure)
                    return FleetReading(
                        gpus: [], lost: lostGPUs, calls: library.calls - callsBefore, batched: false, libraryFailure: libraryFailure)
                }
            }
        }
        return FleetReading(gpus: readings, lost: lostGPUs, calls: library.calls - callsBefore, batched: batched, libraryFailure: nil)
    }

    /// Enumerates again now: lost GPUs that answer come back; NVML is re-initialised if it had failed.
    public func rediscover() {
        discover()
    }

    // MARK: - Enumeration and loss

    private func rediscoverIfDue() {
        guard libraryFailure != nil || !lost.isEmpty else { return }
        if let last = lastDiscovery, clock.now - last < rediscoverEvery { return }
        discover()
    }

    private func discover() {
        lastDiscovery = clock.now
        if libraryFailure != nil {
            library.shutdown()
            do throws(NVMLLoadError) {
                try library.initialize()
                logger.notice("NVML initialised again", metadata: ["driver": "\(library.driverVersion)"])
                libraryFailure = nil
            } catch {
                logger.debug("NVML still unusable", metadata: ["error": "\(error)"])
                return
            }
        }
        let count: UInt32
        switch library.deviceCount() {
        case .success(let value): count = value
        case .failure(let failure):
            if failure.consequence == .libraryUnusable {
                markLibraryUnusable(function: "nvmlDeviceGetCount_v2", failure: failure)
            } else {
                logger.error("cannot count GPUs", metadata: ["error": "nvmlDeviceGetCount_v2: \(failure)"])
            }
            return
        }
        let previous = Dictionary(slots.map { ($0.identity.index, $0.identity) }, uniquingKeysWith: { first, _ in first })
        let wasLost = lost
        var fresh: [GPUSlot] = []
        var nowLost: [UInt32: LostGPU] = [:]
        for index in 0..<count {
            switch GPUSlot.open(index: index, library: library) {
            case .success(var slot):
                if !batching { slot.batch = [] }
                fresh.append(slot)
                if let gone = wasLost[index] {
                    logger.notice(
                        "GPU is back after re-enumeration",
                        metadata: ["gpu": "\(index)", "uuid": "\(slot.identity.uuid)", "was": "\(gone.failure)"])
                    if let known = gone.uuid, known != slot.identity.uuid {
                        logger.warning(
                            "GPU index now holds a different board",
                            metadata: ["gpu": "\(index)", "before": "\(known)", "now": "\(slot.identity.uuid)"])
                    }
                }
            case .failure(let failure):
                let uuid = previous[index]?.uuid ?? wasLost[index]?.uuid
                nowLost[index] = LostGPU(index: index, uuid: uuid, failure: failure)
                if wasLost[index] == nil {
                    logger.error(
                        "GPU not answering at enumeration; excluded from reads and caps",
                        metadata: lossMetadata(index: index, uuid: uuid, function: "enumeration", failure: failure))
                }
            }
        }
        // A GPU that vanished from the count is still on the node as far as safety is concerned: list it as lost.
        for (index, identity) in previous where index >= count {
            nowLost[index] = LostGPU(index: index, uuid: identity.uuid, failure: .gpuNotFound)
            logger.error(
                "GPU no longer enumerated; excluded from reads and caps",
                metadata: lossMetadata(index: index, uuid: identity.uuid, function: "nvmlDeviceGetCount_v2", failure: .gpuNotFound))
        }
        for (index, gone) in wasLost where index >= count { nowLost[index] = gone }
        if count < enumeratedCount {
            logger.warning("fewer GPUs enumerated than before", metadata: ["before": "\(enumeratedCount)", "now": "\(count)"])
        }
        enumeratedCount = count
        slots = fresh
        lost = nowLost
    }

    func markLost(at position: Int, function: String, failure: NVMLFailure) {
        let identity = slots[position].identity
        slots.remove(at: position)
        lost[identity.index] = LostGPU(index: identity.index, uuid: identity.uuid, failure: failure)
        logger.error(
            "GPU lost; excluded from reads and caps until re-enumeration finds it",
            metadata: lossMetadata(index: identity.index, uuid: identity.uuid, function: function, failure: failure))
    }

    private func markLibraryUnusable(function: String, failure: NVMLFailure) {
        guard libraryFailure == nil else { return }
        libraryFailure = NVMLCallError(function: function, failure: failure)
        logger.error(
            "NVML stopped working; every GPU is unread until it initialises again",
            metadata: ["error": "\(function): \(failure)", "retry_every": "\(rediscoverEvery)"])
    }

    private func lossMetadata(index: UInt32, uuid: String?, function: String, failure: NVMLFailure) -> Logger.Metadata {
        [
            "gpu": "\(index)", "uuid": "\(uuid ?? "unknown")", "error": "\(function): \(failure)",
            "retry_every": "\(rediscoverEvery)",
        ]
    }

    private func logFieldChanges(_ slot: GPUSlot, before: ([GPUField: NVMLFailure], [GPUField: NVMLFailure])) {
        for (field, failure) in slot.unavailable where before.0[field] == nil {
            logger.notice(
                "GPU field unavailable; not asked again until re-enumeration",
                metadata: ["gpu": "\(slot.identity.index)", "field": "\(field.rawValue)", "reason": "\(failure)"])
        }
        for (field, failure) in slot.transient where before.1[field] != failure {
            logger.warning(
                "GPU field read failed", metadata: ["gpu": "\(slot.identity.index)", "field": "\(field.rawValue)", "reason": "\(failure)"])
        }
        for (field, _) in before.1 where slot.transient[field] == nil {
            logger.info("GPU field reads again", metadata: ["gpu": "\(slot.identity.index)", "field": "\(field.rawValue)"])
        }
    }
}
