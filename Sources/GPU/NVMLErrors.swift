/// A failed NVML call: which function, on which GPU, and why.
public struct NVMLCallError: Error, Sendable, Hashable, CustomStringConvertible {
    public var function: String
    public var gpu: UInt32?
    public var failure: NVMLFailure

    public init(function: String, gpu: UInt32? = nil, failure: NVMLFailure) {
        self.function = function
        self.gpu = gpu
        self.failure = failure
    }

    public var description: String {
        let target = gpu.map { " on GPU \($0)" } ?? ""
        return "\(function)\(target): \(failure)"
    }
}

/// Why NVML could not be brought up at all.
public enum NVMLLoadError: Error, Sendable, Hashable, CustomStringConvertible {
    case libraryNotFound(path: String, reason: String)
    case missingSymbol(path: String, symbol: String)
    case initFailed(path: String, failure: NVMLFailure)
    case driverTooOld(path: String, version: String, minimumMajor: Int)

    public var description: String {
        switch self {
        case .libraryNotFound(let path, let reason):
            "cannot load NVML library '\(path)': \(reason). Install the NVIDIA driver, or set [gpu] nvml_library / GREENCAP_NVML_LIBRARY / --nvml-library to the library's path"
        case .missingSymbol(let path, let symbol):
            "'\(path)' is not a usable NVML library: it does not export \(symbol)"
        case .initFailed(let path, let failure):
            "nvmlInit_v2 in '\(path)' failed: \(failure)"
        case .driverTooOld(let path, let version, let minimum):
            "'\(path)' reports NVIDIA driver \(version); Greencap needs driver branch \(minimum) or newer (the first with Hopper support)"
        }
    }
}

/// Why a power-limit write did not happen.
public enum GPUWriteError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownGPU(String)
    case gpuLost(index: UInt32, uuid: String)
    case readOnly
    case limitsUnknown(index: UInt32)
    /// NVML is not open (no driver, or it failed): no GPU can take a limit until it is.
    case nvmlUnavailable(reason: String)
    case nvml(NVMLCallError)

    public var description: String {
        switch self {
        case .unknownGPU(let id): "no GPU '\(id)' on this node (give an index or a UUID from `greencap gpu list`)"
        case .gpuLost(let index, let uuid): "GPU \(index) (\(uuid)) is lost; it cannot take a power limit until it comes back"
        case .readOnly: "GPU writes are off ([gpu] writes = \"read-only\"): nothing was set"
        case .limitsUnknown(let index):
            "GPU \(index) did not report its power-limit constraints, so a limit cannot be clamped safely: nothing was set"
        case .nvmlUnavailable(let reason): "NVML is not available (\(reason)): no power limit was set"
        case .nvml(let error): "\(error)"
        }
    }
}
