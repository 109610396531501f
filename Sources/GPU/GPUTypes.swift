import GreencapCore

/// What identifies one GPU. The UUID is the stable key: indexes can shift when a GPU drops off the bus.
public struct GPUIdentity: Sendable, Hashable, Codable {
    public var index: UInt32
    public var uuid: String
    public var name: String
    public var pciBusID: String?
    /// Some drivers refuse the serial to non-root callers.
    public var serial: String?

    public init(index: UInt32, uuid: String, name: String, pciBusID: String? = nil, serial: String? = nil) {
        self.index = index
        self.uuid = uuid
        self.name = name
        self.pciBusID = pciBusID
        self.serial = serial
    }

    enum CodingKeys: String, CodingKey { case index, uuid, name, pciBusID = "pci_bus_id", serial }
}

/// The power limits of one GPU, each as the driver reported it (nil when it did not).
public struct PowerLimits: Sendable, Hashable {
    public var minimum: Milliwatts?
    public var maximum: Milliwatts?
    /// The limit the board boots with.
    public var defaultLimit: Milliwatts?
    /// The limit requested through NVML (by us or anyone else).
    public var requested: Milliwatts?
    /// The limit the driver actually enforces, including out-of-band limits (BMC, thermal policy).
    public var enforced: Milliwatts?

    public init(
        minimum: Milliwatts? = nil, maximum: Milliwatts? = nil, defaultLimit: Milliwatts? = nil,
        requested: Milliwatts? = nil, enforced: Milliwatts? = nil
    ) {
        self.minimum = minimum
        self.maximum = maximum
        self.defaultLimit = defaultLimit
        self.requested = requested
        self.enforced = enforced
    }

    /// `value` moved inside [minimum, maximum]; nil when either bound is unknown.
    public func clamp(_ value: Milliwatts) -> Milliwatts? {
        guard let minimum, let maximum, minimum <= maximum else { return nil }
        return Swift.min(Swift.max(value, minimum), maximum)
    }
}

/// Why the GPU's clocks are below their maximum right now (NVML "clock event reasons", once "throttle reasons").
public struct ClockEventReasons: OptionSet, Sendable, Hashable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static let gpuIdle = ClockEventReasons(rawValue: 0x1)
    public static let applicationsClocksSetting = ClockEventReasons(rawValue: 0x2)
    /// The power limit is holding the clocks down: the signal that a cap is biting.
    public static let softwarePowerCap = ClockEventReasons(rawValue: 0x4)
    public static let hardwareSlowdown = ClockEventReasons(rawValue: 0x8)
    public static let syncBoost = ClockEventReasons(rawValue: 0x10)
    public static let softwareThermalSlowdown = ClockEventReasons(rawValue: 0x20)
    public static let hardwareThermalSlowdown = ClockEventReasons(rawValue: 0x40)
    public static let hardwarePowerBrakeSlowdown = ClockEventReasons(rawValue: 0x80)
    public static let displayClockSetting = ClockEventReasons(rawValue: 0x100)

    static let named: [(ClockEventReasons, String)] = [
        (.gpuIdle, "gpu_idle"), (.applicationsClocksSetting, "applications_clocks_setting"),
        (.softwarePowerCap, "sw_power_cap"), (.hardwareSlowdown, "hw_slowdown"), (.syncBoost, "sync_boost"),
        (.softwareThermalSlowdown, "sw_thermal_slowdown"), (.hardwareThermalSlowdown, "hw_thermal_slowdown"),
        (.hardwarePowerBrakeSlowdown, "hw_power_brake_slowdown"), (.displayClockSetting, "display_clock_setting"),
    ]

    /// Stable names for logs and JSON; unknown bits appear as hex so nothing is hidden.
    public var names: [String] {
        var result = Self.named.filter { contains($0.0) }.map(\.1)
        let known = Self.named.reduce(UInt64(0)) { $0 | $1.0.rawValue }
        if rawValue & ~known != 0 { result.append("0x" + String(rawValue & ~known, radix: 16)) }
        return result
    }
}

/// Each thing the reader asks the driver for, so a missing value can say which and why.
public enum GPUField: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case powerAverage = "power_average"
    case powerInstant = "power_instant"
    case energy
    case temperature
    case utilization
    case smClock = "sm_clock"
    case limitConstraints = "limit_constraints"
    case defaultLimit = "default_limit"
    case requestedLimit = "requested_limit"
    case enforcedLimit = "enforced_limit"
    case clockEvents = "clock_events"
    case serial
    case pciBusID = "pci_bus_id"

    public static func < (lhs: GPUField, rhs: GPUField) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One read of one GPU. A nil value is one the driver did not give; `missing` says why.
public struct GPUReading: Sendable, Hashable {
    public var identity: GPUIdentity
    public var powerAverage: Milliwatts?
    public var powerInstant: Milliwatts?
    public var energy: Millijoules?
    public var temperatureCelsius: UInt32?
    public var gpuUtilizationPercent: UInt32?
    public var memoryUtilizationPercent: UInt32?
    public var smClockMHz: UInt32?
    public var limits: PowerLimits
    public var clockEvents: ClockEventReasons?
    public var missing: [GPUField: NVMLFailure]

    public init(identity: GPUIdentity, limits: PowerLimits = PowerLimits()) {
        self.identity = identity
        self.limits = limits
        self.missing = [:]
    }

    /// The best power figure available: the 1 s average, else the instantaneous value.
    public var power: Milliwatts? { powerAverage ?? powerInstant }
}

/// A GPU that is enumerated but not answering.
public struct LostGPU: Sendable, Hashable {
    public var index: UInt32
    /// Known when the GPU was seen before it was lost.
    public var uuid: String?
    public var failure: NVMLFailure
}

/// One read of every GPU on the node.
public struct FleetReading: Sendable {
    public var gpus: [GPUReading]
    public var lost: [LostGPU]
    /// NVML calls this read made (batched field reads need about half as many as per-call reads).
    public var calls: Int
    /// True when at least one GPU was read through `nvmlDeviceGetFieldValues`.
    public var batched: Bool
    /// Set when NVML as a whole stopped working: no GPU was read, and the fleet initialises it again
    /// every `rediscoverEvery`.
    public var libraryFailure: NVMLCallError?

    public var totalPower: Milliwatts {
        gpus.reduce(Milliwatts(0)) { $0 + ($1.power ?? Milliwatts(0)) }
    }
}
