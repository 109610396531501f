import CNVML
import GreencapCore
import Logging

/// The real-driver check: what a driver supports and what each call costs. Read-only by construction:
/// it never calls a function that changes anything on the GPU.
public struct NVMLProbe {
    public struct CallReport: Sendable, Codable, Hashable {
        public var function: String
        public var gpu: UInt32
        /// "ok", or the failure's description.
        public var result: String
        public var timing: TimingSummary?
    }

    public struct FleetReadReport: Sendable, Codable, Hashable {
        public var mode: String
        public var callsPerRead: Int
        public var wall: TimingSummary
        public var threadCPU: TimingSummary
        enum CodingKeys: String, CodingKey { case mode, callsPerRead = "calls_per_read", wall, threadCPU = "thread_cpu" }
    }

    public struct Report: Sendable, Codable {
        public var library: String
        public var driverVersion: String
        public var nvmlVersion: String?
        public var missingOptionalFunctions: [String]
        public var initWallNs: UInt64
        public var gpus: [GPUIdentity]
        public var lostGPUs: [String]
        public var calls: [CallReport]
        public var fleetReads: [FleetReadReport]
        /// CPU of the library's own calls for one full read, made directly with no decoding: the baseline
        /// the binding's overhead is measured against.
        public var rawLibraryCPU: TimingSummary?
        public var rawCallsPerRead: Int?

        enum CodingKeys: String, CodingKey {
            case library, driverVersion = "driver_version", nvmlVersion = "nvml_version"
            case missingOptionalFunctions = "missing_optional_functions", initWallNs = "init_wall_ns", gpus
            case lostGPUs = "lost_gpus", calls, fleetReads = "fleet_reads", rawLibraryCPU = "raw_library_cpu"
            case rawCallsPerRead = "raw_calls_per_read"
        }
    }

    public var iterations: Int
    /// Per-call timings on every GPU rather than on the first only.
    public var allGPUs: Bool
    let logger: Logger

    public init(iterations: Int, allGPUs: Bool, logger: Logger) {
        self.iterations = max(1, iterations)
        self.allGPUs = allGPUs
        self.logger = logger
    }

    public func run(path: String) throws(NVMLLoadError) -> Report {
        let library = try NVMLLibrary(path: path)
        let started = CPUClock.wallNanoseconds()
        try library.initialize()
        let initWall = CPUClock.wallNanoseconds() - started
        let fleet = try GPUFleet(library: library, writeMode: .readOnly, logger: logger)
        var report = Report(
            library: path, driverVersion: library.driverVersion, nvmlVersion: library.nvmlVersion,
            missingOptionalFunctions: library.missingOptionalFunctions, initWallNs: initWall, gpus: fleet.identities,
            lostGPUs: fleet.lostGPUs.map { "GPU \($0.index): \($0.failure)" }, calls: [], fleetReads: [])
        for (position, slot) in fleet.slots.enumerated() {
            report.calls += probeCalls(library, slot, timed: allGPUs || position == 0)
        }
        report.fleetReads.append(measureReads(fleet, mode: "batched"))
        if let unbatched = try? GPUFleet(library: library, writeMode: .readOnly, batching: false, logger: logger) {
            report.fleetReads.append(measureReads(unbatched, mode: "per-call"))
        }
        if library.entry.fieldValues != nil {
            let (summary, calls) = measureRaw(library, fleet.slots)
            report.rawLibraryCPU = summary
            report.rawCallsPerRead = calls
        }
        return report
    }

    // MARK: - One call at a time

    private func probeCalls(_ library: NVMLLibrary, _ slot: GPUSlot, timed: Bool) -> [CallReport] {
        let entry = library.entry
        let device = slot.handle
        var reports: [CallReport] = []
        func probe(_ function: String, _ call: () -> nvmlReturn_t) {
            let first = call()
            let result = NVMLFailure(code: first).map { "\($0)" } ?? "ok"
            var timing: TimingSummary?
            if timed, NVMLFailure(code: first) == nil { timing = time(call) }
            reports.append(CallReport(function: function, gpu: slot.identity.index, result: result, timing: timing))
        }
        func absent(_ function: String) {
            reports.append(CallReport(function: function, gpu: slot.identity.index, result: "not exported by this library"))
        }
        var uint: UInt32 = 0
        var second: UInt32 = 0
        var wide: UInt64 = 0
        var text = [CChar](repeating: 0, count: 96)
        probe("nvmlDeviceGetUUID") { entry.uuid(device, &text, 96) }
        probe("nvmlDeviceGetName") { entry.name(device, &text, 96) }
        if let serial = entry.serial { probe("nvmlDeviceGetSerial") { serial(device, &text, 30) } } else { absent("nvmlDeviceGetSerial") }
        if let pci = entry.pciInfo {
            var info = nvmlPciInfo_t()
            probe("nvmlDeviceGetPciInfo_v3") { pci(device, &info) }
        } else { absent("nvmlDeviceGetPciInfo_v3") }
        probe("nvmlDeviceGetPowerUsage") { entry.powerUsage(device, &uint) }
        if let function = entry.totalEnergy { probe("nvmlDeviceGetTotalEnergyConsumption") { function(device, &wide) } } else { absent("nvmlDeviceGetTotalEnergyConsumption") }
        if let function = entry.temperature { probe("nvmlDeviceGetTemperature(GPU)") { function(device, Int32(NVML_TEMPERATURE_GPU), &uint) } } else { absent("nvmlDeviceGetTemperature") }
        if let function = entry.utilization {
            var rates = nvmlUtilization_t()
            probe("nvmlDeviceGetUtilizationRates") { function(device, &rates) }
        } else { absent("nvmlDeviceGetUtilizationRates") }
        if let function = entry.clockInfo { probe("nvmlDeviceGetClockInfo(SM)") { function(device, Int32(NVML_CLOCK_SM), &uint) } } else { absent("nvmlDeviceGetClockInfo") }
        if let function = entry.limitConstraints { probe("nvmlDeviceGetPowerManagementLimitConstraints") { function(device, &uint, &second) } } else { absent("nvmlDeviceGetPowerManagementLimitConstraints") }
        if let function = entry.defaultLimit { probe("nvmlDeviceGetPowerManagementDefaultLimit") { function(device, &uint) } } else { absent("nvmlDeviceGetPowerManagementDefaultLimit") }
        if let function = entry.managementLimit { probe("nvmlDeviceGetPowerManagementLimit") { function(device, &uint) } } else { absent("nvmlDeviceGetPowerManagementLimit") }
        if let function = entry.enforcedLimit { probe("nvmlDeviceGetEnforcedPowerLimit") { function(device, &uint) } } else { absent("nvmlDeviceGetEnforcedPowerLimit") }
        if let function = entry.clockEventReasons { probe("nvmlDeviceGetCurrentClocksEventReasons") { function(device, &wide) } } else { absent("nvmlDeviceGetCurrentClocksEventReasons") }
        guard let fieldValues = entry.fieldValues else {
            absent("nvmlDeviceGetFieldValues")
            return reports
        }
        // Each field alone: the call can succeed while a field inside it is refused, so report the field's own result.
        for id in GPUSlot.batchFields {
            var value = nvmlFieldValue_t()
            value.fieldId = id
            let call = fieldValues(device, 1, &value)
            let failure = NVMLFailure(code: call) ?? NVMLFailure(code: value.nvmlReturn)
            var report = CallReport(
                function: "nvmlDeviceGetFieldValues[\(id) \(GPUSlot.field(ofFieldID: id).rawValue)]", gpu: slot.identity.index,
                result: failure.map { "\($0)" } ?? "ok", timing: nil)
            if timed, failure == nil { report.timing = time { fieldValues(device, 1, &value) } }
            reports.append(report)
        }
        var batch = GPUSlot.batchFields.map { id -> nvmlFieldValue_t in
            var value = nvmlFieldValue_t()
            value.fieldId = id
            return value
        }
        probe("nvmlDeviceGetFieldValues[all \(batch.count)]") { fieldValues(device, Int32(batch.count), &batch) }
        return reports
    }

    /// Wall time of `iterations` calls, one sample each.
    private func time(_ call: () -> nvmlReturn_t) -> TimingSummary {
        var samples: [UInt64] = []
        samples.reserveCapacity(iterations)
        for _ in 0..<iterations {
            let start = CPUClock.wallNanoseconds()
            _ = call()
            samples.append(CPUClock.wallNanoseconds() - start)
        }
        return TimingSummary(samples)
    }

    // MARK: - Whole-fleet reads

    private func measureReads(_ fleet: GPUFleet, mode: String) -> FleetReadReport {
        _ = fleet.read()  // settles which fields the driver refuses before timing
        var wall: [UInt64] = []
        var cpu: [UInt64] = []
        var calls = 0
        for _ in 0..<iterations {
            let wallStart = CPUClock.wallNanoseconds()
            let cpuStart = CPUClock.threadCPUNanoseconds()
            let reading = fleet.read()
            cpu.append(CPUClock.threadCPUNanoseconds() - cpuStart)
            wall.append(CPUClock.wallNanoseconds() - wallStart)
            calls = reading.calls
        }
        return FleetReadReport(mode: mode, callsPerRead: calls, wall: TimingSummary(wall), threadCPU: TimingSummary(cpu))
    }

    /// The same NVML calls a batched read makes, made back to back with nothing decoded.
    private func measureRaw(_ library: NVMLLibrary, _ slots: [GPUSlot]) -> (TimingSummary, Int) {
        let entry = library.entry
        var cpu: [UInt64] = []
        var calls = 0
        var uint: UInt32 = 0
        var wide: UInt64 = 0
        var rates = nvmlUtilization_t()
        var batches = slots.map { slot in
            slot.batch.map { id -> nvmlFieldValue_t in
                var value = nvmlFieldValue_t()
                value.fieldId = id
                return value
            }
        }
        for _ in 0..<iterations {
            calls = 0
            let start = CPUClock.threadCPUNanoseconds()
            for (position, slot) in slots.enumerated() {
                let device = slot.handle
                if let fieldValues = entry.fieldValues, !batches[position].isEmpty {
                    _ = fieldValues(device, Int32(batches[position].count), &batches[position])
                    calls += 1
                }
                if let function = entry.temperature { _ = function(device, Int32(NVML_TEMPERATURE_GPU), &uint); calls += 1 }
                if let function = entry.utilization { _ = function(device, &rates); calls += 1 }
                if let function = entry.clockInfo { _ = function(device, Int32(NVML_CLOCK_SM), &uint); calls += 1 }
                if let function = entry.clockEventReasons { _ = function(device, &wide); calls += 1 }
            }
            cpu.append(CPUClock.threadCPUNanoseconds() - start)
        }
        return (TimingSummary(cpu), calls)
    }
}
