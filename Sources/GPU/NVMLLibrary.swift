import CNVML

/// A loaded NVML library: its entry points, whether it is initialised, and how many calls went through it.
///
/// Not thread-safe by design: one `GPUFleet` owns it and calls it from one dedicated thread.
public final class NVMLLibrary {
    /// Hopper (H100/H200) needs driver branch R520 or newer, per NVIDIA's release notes.
    public static let minimumDriverMajor = 520

    public var path: String { library.path }
    let entry: NVMLEntryPoints
    private let library: DynamicLibrary
    public private(set) var isInitialized = false
    /// NVML calls made so far: the benchmark reports calls per fleet read from this.
    public private(set) var calls = 0
    public private(set) var driverVersion = ""
    public private(set) var nvmlVersion: String?

    public var missingOptionalFunctions: [String] { entry.missingOptional }

    /// Opens the library and resolves its entry points; does not initialise NVML.
    public init(path: String) throws(NVMLLoadError) {
        library = try DynamicLibrary(path: path)
        entry = try NVMLEntryPoints(library: library)
    }

    deinit {
        if isInitialized { _ = entry.shutdown() }
    }

    /// `nvmlInit_v2`, then the driver version check. Can take seconds on a node without persistence mode.
    public func initialize() throws(NVMLLoadError) {
        guard !isInitialized else { return }
        if let failure = check(entry.initialize()) { throw .initFailed(path: path, failure: failure) }
        isInitialized = true
        driverVersion = (try? systemString(entry.driverVersion, capacity: Int(NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE)).get()) ?? ""
        nvmlVersion = entry.nvmlVersion.flatMap {
            try? systemString($0, capacity: Int(NVML_SYSTEM_NVML_VERSION_BUFFER_SIZE)).get()
        }
        if let major = Self.driverMajor(driverVersion), major < Self.minimumDriverMajor {
            shutdown()
            throw .driverTooOld(path: path, version: driverVersion, minimumMajor: Self.minimumDriverMajor)
        }
    }

    public func shutdown() {
        guard isInitialized else { return }
        _ = check(entry.shutdown())
        isInitialized = false
    }

    /// The leading number of "550.127.05"; nil when the driver reports something else.
    static func driverMajor(_ version: String) -> Int? {
        Int(version.prefix { $0 != "." })
    }

    // MARK: - Calls. Each counts itself and turns the return code into a typed failure.

    @inline(__always)
    func check(_ code: nvmlReturn_t) -> NVMLFailure? {
        calls &+= 1
        return NVMLFailure(code: code)
    }

    func deviceCount() -> Result<UInt32, NVMLFailure> {
        var count: UInt32 = 0
        if let failure = check(entry.deviceCount(&count)) { return .failure(failure) }
        return .success(count)
    }

    func handle(index: UInt32) -> Result<nvmlDevice_t, NVMLFailure> {
        var device: nvmlDevice_t?
        if let failure = check(entry.handleByIndex(index, &device)) { return .failure(failure) }
        guard let device else { return .failure(.unknown) }
        return .success(device)
    }

    func string(_ function: NVMLEntryPoints.DeviceString, _ device: nvmlDevice_t, capacity: Int) -> Result<String, NVMLFailure> {
        readString(capacity: capacity) { function(device, $0, $1) }
    }

    func systemString(_ function: NVMLEntryPoints.SystemString, capacity: Int) -> Result<String, NVMLFailure> {
        readString(capacity: capacity) { function($0, $1) }
    }

    /// Hands NVML a zeroed buffer of `capacity` bytes (one spare byte stays NUL) and decodes what it wrote.
    private func readString(
        capacity: Int, _ call: (UnsafeMutablePointer<CChar>?, UInt32) -> nvmlReturn_t
    ) -> Result<String, NVMLFailure> {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity + 1) { buffer in
            buffer.initialize(repeating: 0)
            if let failure = check(call(buffer.baseAddress, UInt32(capacity))) { return .failure(failure) }
            return .success(Self.decode(buffer))
        }
    }

    /// Up to the first NUL, and never past the buffer: a driver that fills it without a terminator cannot
    /// make us over-read. Invalid UTF-8 is repaired rather than trusted.
    private static func decode(_ buffer: UnsafeMutableBufferPointer<CChar>) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func uint(_ function: NVMLEntryPoints.DeviceUInt, _ device: nvmlDevice_t) -> Result<UInt32, NVMLFailure> {
        var value: UInt32 = 0
        if let failure = check(function(device, &value)) { return .failure(failure) }
        return .success(value)
    }

    func uint64(_ function: NVMLEntryPoints.DeviceUInt64, _ device: nvmlDevice_t) -> Result<UInt64, NVMLFailure> {
        var value: UInt64 = 0
        if let failure = check(function(device, &value)) { return .failure(failure) }
        return .success(value)
    }

    func uint(_ function: NVMLEntryPoints.DeviceSelectUInt, _ device: nvmlDevice_t, select: Int32) -> Result<UInt32, NVMLFailure> {
        var value: UInt32 = 0
        if let failure = check(function(device, select, &value)) { return .failure(failure) }
        return .success(value)
    }
}
