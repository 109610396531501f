import GPU
import GreencapCore

/// `greencap gpu read --json`: every field of every GPU, in SI-ish units an operator reads directly.
struct GPUReadReport: Encodable {
    struct Limits: Encodable {
        var minW: Double?
        var maxW: Double?
        var defaultW: Double?
        var requestedW: Double?
        var enforcedW: Double?
        enum CodingKeys: String, CodingKey {
            case minW = "min_w", maxW = "max_w", defaultW = "default_w", requestedW = "requested_w", enforcedW = "enforced_w"
        }
    }

    struct GPU: Encodable {
        var index: UInt32
        var uuid: String
        var name: String
        var pciBusID: String?
        var serial: String?
        var powerAverageW: Double?
        var powerInstantW: Double?
        var energyJ: Double?
        var temperatureC: UInt32?
        var utilizationGPUPercent: UInt32?
        var utilizationMemoryPercent: UInt32?
        var smClockMHz: UInt32?
        var limits: Limits
        var clockEventReasons: [String]?
        /// Why each absent field is absent.
        var unavailable: [String: String]

        enum CodingKeys: String, CodingKey {
            case index, uuid, name, pciBusID = "pci_bus_id", serial, powerAverageW = "power_average_w"
            case powerInstantW = "power_instant_w", energyJ = "energy_j", temperatureC = "temperature_c"
            case utilizationGPUPercent = "utilization_gpu_percent", utilizationMemoryPercent = "utilization_memory_percent"
            case smClockMHz = "sm_clock_mhz", limits, clockEventReasons = "clock_event_reasons", unavailable
        }
    }

    struct Lost: Encodable {
        var index: UInt32
        var uuid: String?
        var error: String

        init(_ gpu: LostGPU) {
            index = gpu.index
            uuid = gpu.uuid
            error = "\(gpu.failure)"
        }
    }

    var library: String
    var driverVersion: String
    var nvmlVersion: String?
    var gpus: [GPU]
    var lost: [Lost]
    var nvmlCalls: Int
    var batched: Bool
    /// Set when NVML as a whole failed during the read: no GPU was read.
    var nvmlFailure: String?

    enum CodingKeys: String, CodingKey {
        case library, driverVersion = "driver_version", nvmlVersion = "nvml_version", gpus, lost
        case nvmlCalls = "nvml_calls", batched, nvmlFailure = "nvml_failure"
    }

    init(library: NVMLLibrary, reading: FleetReading) {
        self.library = library.path
        driverVersion = library.driverVersion
        nvmlVersion = library.nvmlVersion
        nvmlCalls = reading.calls
        batched = reading.batched
        nvmlFailure = reading.libraryFailure.map { "\($0)" }
        lost = reading.lost.map(Lost.init)
        gpus = reading.gpus.map { gpu in
            GPU(
                index: gpu.identity.index, uuid: gpu.identity.uuid, name: gpu.identity.name, pciBusID: gpu.identity.pciBusID,
                serial: gpu.identity.serial, powerAverageW: gpu.powerAverage?.watts, powerInstantW: gpu.powerInstant?.watts,
                energyJ: gpu.energy?.joules, temperatureC: gpu.temperatureCelsius, utilizationGPUPercent: gpu.gpuUtilizationPercent,
                utilizationMemoryPercent: gpu.memoryUtilizationPercent, smClockMHz: gpu.smClockMHz,
                limits: Limits(
                    minW: gpu.limits.minimum?.watts, maxW: gpu.limits.maximum?.watts, defaultW: gpu.limits.defaultLimit?.watts,
                    requestedW: gpu.limits.requested?.watts, enforcedW: gpu.limits.enforced?.watts),
                clockEventReasons: gpu.clockEvents?.names,
                unavailable: Dictionary(uniqueKeysWithValues: gpu.missing.map { ($0.key.rawValue, "\($0.value)") }))
        }
    }
}
