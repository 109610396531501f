import CNVML
import GreencapCore

/// Why reading a GPU stopped before it finished.
enum ReadAbort: Error {
    /// The GPU stopped answering: exclude it until re-enumeration.
    case gpuLost(function: String, failure: NVMLFailure)
    /// NVML as a whole stopped working: initialise again.
    case libraryUnusable(function: String, failure: NVMLFailure)
}

/// Reads one GPU: one batched `nvmlDeviceGetFieldValues` for power, energy and limits where the driver has it,
/// then one call each for what has no field id. A field the batch refuses falls back to its own call.
struct GPUReader {
    let library: NVMLLibrary

    func read(_ slot: inout GPUSlot) throws(ReadAbort) -> (reading: GPUReading, batched: Bool) {
        var reading = GPUReading(identity: slot.identity, limits: slot.fixedLimits)
        let entry = library.entry
        let handle = slot.handle
        var answered = FieldSet()
        var batched = false

        if let fieldValues = entry.fieldValues, !slot.batch.isEmpty {
            batched = try readBatch(fieldValues, &slot, &reading, &answered)
        }

        func perCall<T>(_ field: GPUField, _ function: String, _ call: () -> Result<T, NVMLFailure>) throws(ReadAbort) -> T? {
            if answered.contains(field) { return nil }
            if let failure = slot.unavailable[field] {
                reading.missing[field] = failure
                return nil
            }
            switch call() {
            case .success(let value):
                slot.transient[field] = nil
                return value
            case .failure(let failure):
                try classify(failure, field: field, function: function, &slot, &reading)
                return nil
            }
        }
        func absent(_ field: GPUField) {
            if !answered.contains(field) { slot.unavailable[field] = .functionNotFound; reading.missing[field] = .functionNotFound }
        }

        if let value = try perCall(.powerAverage, "nvmlDeviceGetPowerUsage", { library.uint(entry.powerUsage, handle) }) {
            reading.powerAverage = Milliwatts(Int64(value))
        }
        if !answered.contains(.powerInstant), reading.missing[.powerInstant] == nil {
            // Only a field id carries the instantaneous value; without the batch it is simply not available.
            reading.missing[.powerInstant] = slot.unavailable[.powerInstant] ?? .functionNotFound
        }
        if let totalEnergy = entry.totalEnergy {
            if let value = try perCall(.energy, "nvmlDeviceGetTotalEnergyConsumption", { library.uint64(totalEnergy, handle) }) {
                reading.energy = Millijoules(value)
            }
        } else { absent(.energy) }
        if let managementLimit = entry.managementLimit {
            if let value = try perCall(.requestedLimit, "nvmlDeviceGetPowerManagementLimit", { library.uint(managementLimit, handle) }) {
                reading.limits.requested = Milliwatts(Int64(value))
            }
        } else { absent(.requestedLimit) }
        if let enforcedLimit = entry.enforcedLimit {
            if let value = try perCall(.enforcedLimit, "nvmlDeviceGetEnforcedPowerLimit", { library.uint(enforcedLimit, handle) }) {
                reading.limits.enforced = Milliwatts(Int64(value))
            }
        } else { absent(.enforcedLimit) }
        if let temperature = entry.temperature {
            reading.temperatureCelsius = try perCall(.temperature, "nvmlDeviceGetTemperature") {
                library.uint(temperature, handle, select: Int32(NVML_TEMPERATURE_GPU))
            }
        } else { absent(.temperature) }
        if let utilization = entry.utilization {
            let rates: nvmlUtilization_t? = try perCall(.utilization, "nvmlDeviceGetUtilizationRates") {
                var rates = nvmlUtilization_t()
                if let failure = library.check(utilization(handle, &rates)) { return .failure(failure) }
                return .success(rates)
            }
            reading.gpuUtilizationPercent = rates?.gpu
            reading.memoryUtilizationPercent = rates?.memory
        } else { absent(.utilization) }
        if let clockInfo = entry.clockInfo {
            reading.smClockMHz = try perCall(.smClock, "nvmlDeviceGetClockInfo") {
                library.uint(clockInfo, handle, select: Int32(NVML_CLOCK_SM))
            }
        } else { absent(.smClock) }
        if let clockEventReasons = entry.clockEventReasons {
            if let bits = try perCall(.clockEvents, "nvmlDeviceGetCurrentClocksEventReasons", { library.uint64(clockEventReasons, handle) }) {
                reading.clockEvents = ClockEventReasons(rawValue: bits)
            }
        } else { absent(.clockEvents) }
        for field in [GPUField.limitConstraints, .defaultLimit, .serial, .pciBusID] {
            if let failure = slot.unavailable[field], !answered.contains(field) { reading.missing[field] = failure }
        }
        return (reading, batched)
    }

    /// One `nvmlDeviceGetFieldValues` call; returns whether it answered.
    private func readBatch(
        _ fieldValues: NVMLEntryPoints.DeviceFieldValues, _ slot: inout GPUSlot, _ reading: inout GPUReading,
        _ answered: inout FieldSet
    ) throws(ReadAbort) -> Bool {
        let ids = slot.batch
        var refused: [UInt32] = []
        // Decoded in place, in the temporary buffer: a full read allocates nothing here.
        let failure: NVMLFailure? = withUnsafeTemporaryAllocation(of: nvmlFieldValue_t.self, capacity: ids.count) { values in
            for (position, id) in ids.enumerated() {
                var value = nvmlFieldValue_t()
                value.fieldId = id
                values.initializeElement(at: position, to: value)
            }
            if let failure = library.check(fieldValues(slot.handle, Int32(ids.count), values.baseAddress)) { return failure }
            for value in values {
                let field = GPUSlot.field(ofFieldID: value.fieldId)
                if let failure = NVMLFailure(code: value.nvmlReturn) {
                    if failure.consequence == .gpuLost { return failure }
                    if failure.consequence == .fieldUnavailable {
                        refused.append(value.fieldId)
                        if field == .powerInstant { slot.unavailable[.powerInstant] = failure }
                    }
                    continue
                }
                guard let number = Self.unsigned(value) else { continue }
                answered.insert(field)
                slot.transient[field] = nil
                Self.store(number, fieldID: value.fieldId, in: &reading)
            }
            return nil
        }
        if let failure {
            switch failure.consequence {
            case .gpuLost: throw .gpuLost(function: "nvmlDeviceGetFieldValues", failure: failure)
            case .libraryUnusable: throw .libraryUnusable(function: "nvmlDeviceGetFieldValues", failure: failure)
            case .fieldUnavailable:
                // The driver has no batched reads: every field goes through its own call from now on.
                slot.batch = []
                return false
            case .transient:
                return false
            }
        }
        if !refused.isEmpty { slot.batch.removeAll { refused.contains($0) } }
        return true
    }

    private static func store(_ number: UInt64, fieldID id: UInt32, in reading: inout GPUReading) {
        let power = Milliwatts(Int64(clamping: number))
        switch Int(id) {
        case Int(NVML_FI_DEV_POWER_AVERAGE): reading.powerAverage = power
        case Int(NVML_FI_DEV_POWER_INSTANT): reading.powerInstant = power
        case Int(NVML_FI_DEV_TOTAL_ENERGY_CONSUMPTION): reading.energy = Millijoules(number)
        case Int(NVML_FI_DEV_POWER_MIN_LIMIT): reading.limits.minimum = power
        case Int(NVML_FI_DEV_POWER_MAX_LIMIT): reading.limits.maximum = power
        case Int(NVML_FI_DEV_POWER_DEFAULT_LIMIT): reading.limits.defaultLimit = power
        case Int(NVML_FI_DEV_POWER_CURRENT_LIMIT): reading.limits.enforced = power
        default: reading.limits.requested = power
        }
    }

    /// A field value as an unsigned number, whatever type the driver chose to report it in.
    static func unsigned(_ field: nvmlFieldValue_t) -> UInt64? {
        switch Int(field.valueType) {
        case Int(NVML_VALUE_TYPE_UNSIGNED_INT): UInt64(field.value.uiVal)
        case Int(NVML_VALUE_TYPE_UNSIGNED_LONG): UInt64(field.value.ulVal)
        case Int(NVML_VALUE_TYPE_UNSIGNED_LONG_LONG): field.value.ullVal
        case Int(NVML_VALUE_TYPE_SIGNED_LONG_LONG): field.value.sllVal >= 0 ? UInt64(field.value.sllVal) : nil
        case Int(NVML_VALUE_TYPE_SIGNED_INT): field.value.siVal >= 0 ? UInt64(field.value.siVal) : nil
        case Int(NVML_VALUE_TYPE_UNSIGNED_SHORT): UInt64(field.value.usVal)
        case Int(NVML_VALUE_TYPE_DOUBLE):
            field.value.dVal.isFinite && field.value.dVal >= 0 && field.value.dVal < 1.8e19 ? UInt64(field.value.dVal) : nil
        default: nil
        }
    }

    private func classify(
        _ failure: NVMLFailure, field: GPUField, function: String, _ slot: inout GPUSlot, _ reading: inout GPUReading
    ) throws(ReadAbort) {
        switch failure.consequence {
        case .gpuLost: throw .gpuLost(function: function, failure: failure)
        case .libraryUnusable: throw .libraryUnusable(function: function, failure: failure)
        case .fieldUnavailable: slot.unavailable[field] = failure
        case .transient: slot.transient[field] = failure
        }
        reading.missing[field] = failure
    }
}

/// A set of fields as bits: the reader tracks which fields the batch answered on every read, so this
/// stays off the heap.
struct FieldSet {
    private var bits: UInt32 = 0

    mutating func insert(_ field: GPUField) { bits |= Self.bit(field) }

    func contains(_ field: GPUField) -> Bool { bits & Self.bit(field) != 0 }

    private static func bit(_ field: GPUField) -> UInt32 {
        switch field {
        case .powerAverage: 1 << 0
        case .powerInstant: 1 << 1
        case .energy: 1 << 2
        case .temperature: 1 << 3
        case .utilization: 1 << 4
        case .smClock: 1 << 5
        case .limitConstraints: 1 << 6
        case .defaultLimit: 1 << 7
        case .requestedLimit: 1 << 8
        case .enforcedLimit: 1 << 9
        case .clockEvents: 1 << 10
        case .serial: 1 << 11
        case .pciBusID: 1 << 12
        }
    }
}
