import CNVML

/// The NVML functions Greencap calls, resolved by name from the loaded library.
///
/// Required ones make loading fail when absent; optional ones are nil and the reader works around them.
/// Where NVML versioned a function (`_v2`, `_v3`), the versioned name is preferred.
struct NVMLEntryPoints {
    typealias Call = @convention(c) () -> nvmlReturn_t
    typealias SystemString = @convention(c) (UnsafeMutablePointer<CChar>?, UInt32) -> nvmlReturn_t
    typealias Count = @convention(c) (UnsafeMutablePointer<UInt32>?) -> nvmlReturn_t
    typealias HandleByIndex = @convention(c) (UInt32, UnsafeMutablePointer<nvmlDevice_t?>?) -> nvmlReturn_t
    typealias DeviceString = @convention(c) (nvmlDevice_t?, UnsafeMutablePointer<CChar>?, UInt32) -> nvmlReturn_t
    typealias DevicePCI = @convention(c) (nvmlDevice_t?, UnsafeMutablePointer<nvmlPciInfo_t>?) -> nvmlReturn_t
    typealias DeviceUInt = @convention(c) (nvmlDevice_t?, UnsafeMutablePointer<UInt32>?) -> nvmlReturn_t
    typealias DeviceUInt64 = @convention(c) (nvmlDevice_t?, UnsafeMutablePointer<UInt64>?) -> nvmlReturn_t
    typealias DeviceSelectUInt = @convention(c) (nvmlDevice_t?, Int32, UnsafeMutablePointer<UInt32>?) -> nvmlReturn_t
    typealias DeviceUtilization = @convention(c) (nvmlDevice_t?, UnsafeMutablePointer<nvmlUtilization_t>?) -> nvmlReturn_t
    typealias DeviceUIntPair =
        @convention(c) (nvmlDevice_t?, UnsafeMutablePointer<UInt32>?, UnsafeMutablePointer<UInt32>?) -> nvmlReturn_t
    typealias DeviceFieldValues = @convention(c) (nvmlDevice_t?, Int32, UnsafeMutablePointer<nvmlFieldValue_t>?) -> nvmlReturn_t
    typealias DeviceSetUInt = @convention(c) (nvmlDevice_t?, UInt32) -> nvmlReturn_t

    // Required: without these there is nothing to read.
    let initialize: Call
    let shutdown: Call
    let driverVersion: SystemString
    let deviceCount: Count
    let handleByIndex: HandleByIndex
    let uuid: DeviceString
    let name: DeviceString
    let powerUsage: DeviceUInt

    // Optional: absent in older drivers or stripped builds; each has a documented fallback or stays unknown.
    let nvmlVersion: SystemString?
    let serial: DeviceString?
    let pciInfo: DevicePCI?
    let totalEnergy: DeviceUInt64?
    let temperature: DeviceSelectUInt?
    let utilization: DeviceUtilization?
    let clockInfo: DeviceSelectUInt?
    let limitConstraints: DeviceUIntPair?
    let defaultLimit: DeviceUInt?
    let managementLimit: DeviceUInt?
    let enforcedLimit: DeviceUInt?
    let clockEventReasons: DeviceUInt64?
    let fieldValues: DeviceFieldValues?
    let setManagementLimit: DeviceSetUInt?

    /// Names of optional functions this library lacks, for the start-up log.
    let missingOptional: [String]

    init(library: DynamicLibrary) throws(NVMLLoadError) {
        var missing: [String] = []
        func required<F>(_ names: String..., as type: F.Type) throws(NVMLLoadError) -> F {
            for name in names {
                if let address = library.symbol(name) { return unsafeBitCast(address, to: type) }
            }
            throw .missingSymbol(path: library.path, symbol: names.joined(separator: " or "))
        }
        func optional<F>(_ names: String..., as type: F.Type) -> F? {
            for name in names {
                if let address = library.symbol(name) { return unsafeBitCast(address, to: type) }
            }
            missing.append(names[0])
            return nil
        }
        initialize = try required("nvmlInit_v2", "nvmlInit", as: Call.self)
        shutdown = try required("nvmlShutdown", as: Call.self)
        driverVersion = try required("nvmlSystemGetDriverVersion", as: SystemString.self)
        deviceCount = try required("nvmlDeviceGetCount_v2", "nvmlDeviceGetCount", as: Count.self)
        handleByIndex = try required("nvmlDeviceGetHandleByIndex_v2", "nvmlDeviceGetHandleByIndex", as: HandleByIndex.self)
        uuid = try required("nvmlDeviceGetUUID", as: DeviceString.self)
        name = try required("nvmlDeviceGetName", as: DeviceString.self)
        powerUsage = try required("nvmlDeviceGetPowerUsage", as: DeviceUInt.self)

        nvmlVersion = optional("nvmlSystemGetNVMLVersion", as: SystemString.self)
        serial = optional("nvmlDeviceGetSerial", as: DeviceString.self)
        pciInfo = optional("nvmlDeviceGetPciInfo_v3", as: DevicePCI.self)
        totalEnergy = optional("nvmlDeviceGetTotalEnergyConsumption", as: DeviceUInt64.self)
        temperature = optional("nvmlDeviceGetTemperature", as: DeviceSelectUInt.self)
        utilization = optional("nvmlDeviceGetUtilizationRates", as: DeviceUtilization.self)
        clockInfo = optional("nvmlDeviceGetClockInfo", as: DeviceSelectUInt.self)
        limitConstraints = optional("nvmlDeviceGetPowerManagementLimitConstraints", as: DeviceUIntPair.self)
        defaultLimit = optional("nvmlDeviceGetPowerManagementDefaultLimit", as: DeviceUInt.self)
        managementLimit = optional("nvmlDeviceGetPowerManagementLimit", as: DeviceUInt.self)
        enforcedLimit = optional("nvmlDeviceGetEnforcedPowerLimit", as: DeviceUInt.self)
        // Renamed in driver R535; the old name still resolves on older drivers.
        clockEventReasons = optional(
            "nvmlDeviceGetCurrentClocksEventReasons", "nvmlDeviceGetCurrentClocksThrottleReasons", as: DeviceUInt64.self)
        fieldValues = optional("nvmlDeviceGetFieldValues", as: DeviceFieldValues.self)
        setManagementLimit = optional("nvmlDeviceSetPowerManagementLimit", as: DeviceSetUInt.self)
        missingOptional = missing
    }
}
