import CNVML

/// Every non-success code an NVML call can return, by name, with what an operator should do about it.
public enum NVMLFailure: Error, Sendable, Hashable, CustomStringConvertible {
    case uninitialized
    case invalidArgument
    case notSupported
    case noPermission
    case alreadyInitialized
    case notFound
    case insufficientSize
    case insufficientPower
    case driverNotLoaded
    case timeout
    case irqIssue
    case libraryNotFound
    case functionNotFound
    case corruptedInforom
    case gpuIsLost
    case resetRequired
    case operatingSystem
    case libraryDriverMismatch
    case inUse
    case memory
    case noData
    case vgpuECCNotSupported
    case insufficientResources
    case frequencyNotSupported
    case argumentVersionMismatch
    case deprecated
    case notReady
    case gpuNotFound
    case invalidState
    case unknown
    /// A code this build does not know (a newer driver).
    case other(Int32)

    /// nil for NVML_SUCCESS.
    public init?(code: nvmlReturn_t) {
        switch Int(code) {
        case Int(NVML_SUCCESS): return nil
        case Int(NVML_ERROR_UNINITIALIZED): self = .uninitialized
        case Int(NVML_ERROR_INVALID_ARGUMENT): self = .invalidArgument
        case Int(NVML_ERROR_NOT_SUPPORTED): self = .notSupported
        case Int(NVML_ERROR_NO_PERMISSION): self = .noPermission
        case Int(NVML_ERROR_ALREADY_INITIALIZED): self = .alreadyInitialized
        case Int(NVML_ERROR_NOT_FOUND): self = .notFound
        case Int(NVML_ERROR_INSUFFICIENT_SIZE): self = .insufficientSize
        case Int(NVML_ERROR_INSUFFICIENT_POWER): self = .insufficientPower
        case Int(NVML_ERROR_DRIVER_NOT_LOADED): self = .driverNotLoaded
        case Int(NVML_ERROR_TIMEOUT): self = .timeout
        case Int(NVML_ERROR_IRQ_ISSUE): self = .irqIssue
        case Int(NVML_ERROR_LIBRARY_NOT_FOUND): self = .libraryNotFound
        case Int(NVML_ERROR_FUNCTION_NOT_FOUND): self = .functionNotFound
        case Int(NVML_ERROR_CORRUPTED_INFOROM): self = .corruptedInforom
        case Int(NVML_ERROR_GPU_IS_LOST): self = .gpuIsLost
        case Int(NVML_ERROR_RESET_REQUIRED): self = .resetRequired
        case Int(NVML_ERROR_OPERATING_SYSTEM): self = .operatingSystem
        case Int(NVML_ERROR_LIB_RM_VERSION_MISMATCH): self = .libraryDriverMismatch
        case Int(NVML_ERROR_IN_USE): self = .inUse
        case Int(NVML_ERROR_MEMORY): self = .memory
        case Int(NVML_ERROR_NO_DATA): self = .noData
        case Int(NVML_ERROR_VGPU_ECC_NOT_SUPPORTED): self = .vgpuECCNotSupported
        case Int(NVML_ERROR_INSUFFICIENT_RESOURCES): self = .insufficientResources
        case Int(NVML_ERROR_FREQ_NOT_SUPPORTED): self = .frequencyNotSupported
        case Int(NVML_ERROR_ARGUMENT_VERSION_MISMATCH): self = .argumentVersionMismatch
        case Int(NVML_ERROR_DEPRECATED): self = .deprecated
        case Int(NVML_ERROR_NOT_READY): self = .notReady
        case Int(NVML_ERROR_GPU_NOT_FOUND): self = .gpuNotFound
        case Int(NVML_ERROR_INVALID_STATE): self = .invalidState
        case Int(NVML_ERROR_UNKNOWN): self = .unknown
        default: self = .other(code)
        }
    }

    /// How the agent treats a GPU after this failure.
    public enum Consequence: Sendable {
        /// The GPU is gone until re-enumeration finds it again.
        case gpuLost
        /// The library itself is unusable: shut down and initialise again.
        case libraryUnusable
        /// This query will never work on this GPU with this driver: stop asking until re-enumeration.
        case fieldUnavailable
        /// Try again next time.
        case transient
    }

    public var consequence: Consequence {
        switch self {
        case .gpuIsLost, .resetRequired, .gpuNotFound, .insufficientPower, .irqIssue, .corruptedInforom:
            return .gpuLost
        case .uninitialized, .driverNotLoaded, .libraryNotFound, .libraryDriverMismatch:
            return .libraryUnusable
        case .notSupported, .functionNotFound, .noPermission, .deprecated, .vgpuECCNotSupported,
            .argumentVersionMismatch, .invalidArgument:
            return .fieldUnavailable
        default:
            return .transient
        }
    }

    public var description: String {
        switch self {
        case .uninitialized: "NVML is not initialised (the agent re-initialises it)"
        case .invalidArgument: "invalid argument (an unknown field or out-of-range value for this driver)"
        case .notSupported: "not supported on this GPU or driver"
        case .noPermission: "no permission (power limits need root or CAP_SYS_ADMIN; run the agent as root or use dry-run)"
        case .alreadyInitialized: "already initialised"
        case .notFound: "not found"
        case .insufficientSize: "buffer too small (report this as a Greencap bug)"
        case .insufficientPower: "the GPU's external power cables are not properly attached: check the board"
        case .driverNotLoaded: "the NVIDIA kernel driver is not loaded: check `lsmod | grep nvidia` and `dmesg`"
        case .timeout: "timed out inside the driver"
        case .irqIssue: "the kernel detected an interrupt problem with this GPU: check `dmesg` for Xid errors"
        case .libraryNotFound: "NVML could not load a library it needs"
        case .functionNotFound: "this driver's NVML does not implement the function (older driver)"
        case .corruptedInforom: "the GPU's infoROM is corrupted: the GPU needs service"
        case .gpuIsLost: "the GPU has fallen off the bus: check `dmesg` for Xid 79; it needs a reset or reboot"
        case .resetRequired: "the GPU needs a reset before it can be used again"
        case .operatingSystem: "the operating system or a cgroup blocked access to the GPU device"
        case .libraryDriverMismatch:
            "the NVML library and the loaded kernel module are different versions (driver upgraded without reboot?): reboot or reload the nvidia modules"
        case .inUse: "the GPU is in use and the operation cannot run now"
        case .memory: "NVML ran out of memory"
        case .noData: "no data yet"
        case .vgpuECCNotSupported: "not available on a vGPU with ECC enabled"
        case .insufficientResources: "the driver ran out of resources"
        case .frequencyNotSupported: "the requested frequency is not supported"
        case .argumentVersionMismatch: "the driver does not accept this structure version (driver too old or too new)"
        case .deprecated: "deprecated in this driver"
        case .notReady: "the system is not ready yet"
        case .gpuNotFound: "no GPU found"
        case .invalidState: "the GPU is not in a state that allows this"
        case .unknown: "an internal driver error occurred"
        case .other(let code): "NVML error code \(code), unknown to this Greencap build"
        }
    }
}
