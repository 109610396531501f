import CNVML
import GPU
import GreencapTestSupport
import Logging
import Testing

@Suite("Loading NVML")
struct NVMLLoadingTests {
    let logger = Logger(label: "test")

    @Test("a missing library is a clear error naming the path and what to set")
    func missingLibrary() throws {
        #expect {
            _ = try NVMLLibrary(path: "/nonexistent/libnvidia-ml.so.1")
        } throws: { error in
            guard case NVMLLoadError.libraryNotFound(let path, _) = error else { return false }
            return path == "/nonexistent/libnvidia-ml.so.1" && "\(error)".contains("GREENCAP_NVML_LIBRARY")
        }
    }

    @Test("a library without NVML's required symbols is refused, naming the symbol")
    func notNVML() throws {
        #expect {
            _ = try NVMLLibrary(path: "libm.so.6")
        } throws: { error in
            guard case NVMLLoadError.missingSymbol(_, let symbol) = error else { return false }
            return symbol == "nvmlInit_v2 or nvmlInit"
        }
    }

    @Test("the simulator exports every function the binding resolves, optional ones included")
    func simulatorExportsEverything() throws {
        let simulator = try SimulatedNVML()
        let library = try NVMLLibrary(path: simulator.libraryPath)
        #expect(library.missingOptionalFunctions.isEmpty)
        try library.initialize()
        #expect(library.driverVersion == "550.127.05")
        #expect(library.nvmlVersion == "12.550.127.05")
        library.shutdown()
    }

    @Test("nvmlInit_v2 failures map to typed errors", arguments: [
        ("driver_not_loaded", NVMLFailure.driverNotLoaded),
        ("lib_rm_version_mismatch", NVMLFailure.libraryDriverMismatch),
        ("no_permission", NVMLFailure.noPermission),
    ])
    func initFailures(setting: String, expected: NVMLFailure) throws {
        let simulator = try SimulatedNVML(scenario: "init = \(setting)\n")
        let library = try NVMLLibrary(path: simulator.libraryPath)
        #expect(throws: NVMLLoadError.initFailed(path: simulator.libraryPath, failure: expected)) {
            try library.initialize()
        }
        #expect(!library.isInitialized)
    }

    @Test("a driver older than the Hopper minimum is refused with both versions in the message")
    func driverTooOld() throws {
        let simulator = try SimulatedNVML(scenario: "driver_version = \"470.82.01\"\n")
        let library = try NVMLLibrary(path: simulator.libraryPath)
        #expect(throws: NVMLLoadError.driverTooOld(path: simulator.libraryPath, version: "470.82.01", minimumMajor: 520)) {
            try library.initialize()
        }
        #expect(!library.isInitialized, "NVML is shut down again after refusing the driver")
    }

    @Test("every NVML return code has a name, a consequence and a description; success has none")
    func everyReturnCode() {
        #expect(NVMLFailure(code: nvmlReturn_t(NVML_SUCCESS)) == nil)
        var seen: Set<NVMLFailure> = []
        for code in Array(1...29) + [999, 12345] {
            guard let failure = NVMLFailure(code: nvmlReturn_t(code)) else {
                Issue.record("code \(code) mapped to success")
                continue
            }
            #expect(!failure.description.isEmpty)
            seen.insert(failure)
        }
        #expect(seen.count == 31, "each code maps to its own case")
        #expect(NVMLFailure(code: 12345) == .other(12345))
        #expect(NVMLFailure.gpuIsLost.consequence == .gpuLost)
        #expect(NVMLFailure.notSupported.consequence == .fieldUnavailable)
        #expect(NVMLFailure.uninitialized.consequence == .libraryUnusable)
        #expect(NVMLFailure.timeout.consequence == .transient)
    }

    @Test("library choice: flag, then environment, then config, then the driver's soname")
    func libraryLocation() {
        let environment = "/env/lib.so"
        #expect(NVMLLibraryLocation.resolve(flag: "/flag.so", environmentValue: environment, configured: "/c.so").source == .commandLine)
        #expect(NVMLLibraryLocation.resolve(flag: nil, environmentValue: environment, configured: "/c.so").path == "/env/lib.so")
        #expect(NVMLLibraryLocation.resolve(flag: nil, environmentValue: nil, configured: "/c.so").source == .configuration)
        #expect(NVMLLibraryLocation.resolve(flag: nil, environmentValue: nil, configured: nil).path == "libnvidia-ml.so.1")
    }
}
