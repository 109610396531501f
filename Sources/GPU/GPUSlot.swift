import CNVML
import GreencapCore

/// One enumerated GPU: its handle, identity, limits that never change, and what its driver can answer.
struct GPUSlot {
    let handle: nvmlDevice_t
    var identity: GPUIdentity
    /// Minimum, maximum and default limit, read once at enumeration (they are fixed by the board).
    var fixedLimits: PowerLimits
    /// Field ids still asked through `nvmlDeviceGetFieldValues`; a field the driver refuses leaves the batch.
    var batch: [UInt32]
    /// Queries that will not work with this driver; not asked again until re-enumeration.
    var unavailable: [GPUField: NVMLFailure] = [:]
    /// Queries that failed last time for a passing reason, so a log line is written once per change.
    var transient: [GPUField: NVMLFailure] = [:]

    /// Every field the reader asks in one batch, and what it fills.
    static let batchFields: [UInt32] = [
        UInt32(NVML_FI_DEV_POWER_AVERAGE), UInt32(NVML_FI_DEV_POWER_INSTANT), UInt32(NVML_FI_DEV_TOTAL_ENERGY_CONSUMPTION),
        UInt32(NVML_FI_DEV_POWER_MIN_LIMIT), UInt32(NVML_FI_DEV_POWER_MAX_LIMIT), UInt32(NVML_FI_DEV_POWER_DEFAULT_LIMIT),
        UInt32(NVML_FI_DEV_POWER_CURRENT_LIMIT), UInt32(NVML_FI_DEV_POWER_REQUESTED_LIMIT),
    ]

    static func field(ofFieldID id: UInt32) -> GPUField {
        switch Int(id) {
        case Int(NVML_FI_DEV_POWER_AVERAGE): .powerAverage
        case Int(NVML_FI_DEV_POWER_INSTANT): .powerInstant
        case Int(NVML_FI_DEV_TOTAL_ENERGY_CONSUMPTION): .energy
        case Int(NVML_FI_DEV_POWER_MIN_LIMIT), Int(NVML_FI_DEV_POWER_MAX_LIMIT): .limitConstraints
        case Int(NVML_FI_DEV_POWER_DEFAULT_LIMIT): .defaultLimit
        case Int(NVML_FI_DEV_POWER_CURRENT_LIMIT): .enforcedLimit
        default: .requestedLimit
        }
    }

    /// Opens GPU `index` and reads what does not change while it stays on the bus.
    static func open(index: UInt32, library: NVMLLibrary) -> Result<GPUSlot, NVMLFailure> {
        let handle: nvmlDevice_t
        switch library.handle(index: index) {
        case .success(let opened): handle = opened
        case .failure(let failure): return .failure(failure)
        }
        let entry = library.entry
        let uuid: String
        switch library.string(entry.uuid, handle, capacity: Int(NVML_DEVICE_UUID_V2_BUFFER_SIZE)) {
        case .success(let value): uuid = value
        case .failure(let failure): return .failure(failure)
        }
        var identity = GPUIdentity(index: index, uuid: uuid, name: "")
        var unavailable: [GPUField: NVMLFailure] = [:]
        switch library.string(entry.name, handle, capacity: Int(NVML_DEVICE_NAME_V2_BUFFER_SIZE)) {
        case .success(let name): identity.name = name
        case .failure(let failure) where failure.consequence == .gpuLost: return .failure(failure)
        case .failure: identity.name = "unknown"
        }
        if let pciInfo = entry.pciInfo {
            var info = nvmlPciInfo_t()
            if let failure = library.check(pciInfo(handle, &info)) {
                if failure.consequence == .gpuLost { return .failure(failure) }
                unavailable[.pciBusID] = failure
            } else {
                identity.pciBusID = withUnsafeBytes(of: info.busId) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
            }
        } else {
            unavailable[.pciBusID] = .functionNotFound
        }
        if let serial = entry.serial {
            switch library.string(serial, handle, capacity: Int(NVML_DEVICE_SERIAL_BUFFER_SIZE)) {
            case .success(let value): identity.serial = value
            case .failure(let failure) where failure.consequence == .gpuLost: return .failure(failure)
            case .failure(let failure): unavailable[.serial] = failure
            }
        } else {
            unavailable[.serial] = .functionNotFound
        }
        var limits = PowerLimits()
        if let constraints = entry.limitConstraints {
            var minimum: UInt32 = 0
            var maximum: UInt32 = 0
            if let failure = library.check(constraints(handle, &minimum, &maximum)) {
                if failure.consequence == .gpuLost { return .failure(failure) }
                unavailable[.limitConstraints] = failure
            } else {
                limits.minimum = Milliwatts(Int64(minimum))
                limits.maximum = Milliwatts(Int64(maximum))
            }
        } else {
            unavailable[.limitConstraints] = .functionNotFound
        }
        if let defaultLimit = entry.defaultLimit {
            switch library.uint(defaultLimit, handle) {
            case .success(let value): limits.defaultLimit = Milliwatts(Int64(value))
            case .failure(let failure) where failure.consequence == .gpuLost: return .failure(failure)
            case .failure(let failure): unavailable[.defaultLimit] = failure
            }
        } else {
            unavailable[.defaultLimit] = .functionNotFound
        }
        let batch = entry.fieldValues == nil ? [] : batchFields
        return .success(
            GPUSlot(handle: handle, identity: identity, fixedLimits: limits, batch: batch, unavailable: unavailable))
    }
}
