import CNVML
import GPU
import GreencapTestSupport
import Logging
import Testing

/// Every NVML return code, injected into a per-call query (temperature) and a batched field with a per-call
/// fallback (1 s average power), ends in the state its consequence defines. Nothing crashes; nothing
/// is silently zero.
@Suite("Every NVML error code against the simulator", .serialized)
struct NVMLErrorSweepTests {
    static let codes: [Int32] = Array(1...30) + [999]

    @Test("each code leads to its defined state", arguments: codes)
    func sweep(code: Int32) throws {
        let failure = try #require(NVMLFailure(code: nvmlReturn_t(code)))
        let simulator = try SimulatedNVML(scenario: "failing = temperature, power_average\nfail_code = \(code)\n")
        let fleet = try GPUFleet(
            library: try NVMLLibrary(path: simulator.libraryPath), writeMode: .enforce, rediscoverEvery: .seconds(3600),
            logger: Logger(label: "sweep"))
        let first = fleet.read()
        let second = fleet.read()
        switch failure.consequence {
        case .gpuLost:
            #expect(first.gpus.isEmpty)
            #expect(first.lost.count == 8 && first.lost.allSatisfy { $0.failure == failure && $0.uuid != nil })
            #expect(second.gpus.isEmpty && second.lost.count == 8, "stays excluded until re-enumeration")
        case .libraryUnusable:
            #expect(first.gpus.isEmpty && first.lost.isEmpty)
            #expect(first.libraryFailure?.failure == failure)
            #expect(second.libraryFailure?.failure == failure, "nothing is read until NVML initialises again")
            #expect(second.calls == 0)
        case .fieldUnavailable:
            #expect(first.gpus.count == 8)
            for gpu in first.gpus {
                #expect(gpu.temperatureCelsius == nil && gpu.powerAverage == nil)
                #expect(gpu.missing[.temperature] == failure && gpu.missing[.powerAverage] == failure)
                #expect(gpu.powerInstant != nil && gpu.energy != nil, "other fields still read")
            }
            #expect(second.calls < first.calls, "refused queries are not asked again")
            #expect(second.gpus.allSatisfy { $0.missing[.temperature] == failure })
        case .transient:
            #expect(first.gpus.count == 8)
            for gpu in first.gpus {
                #expect(gpu.temperatureCelsius == nil && gpu.powerAverage == nil)
                #expect(gpu.missing[.temperature] == failure && gpu.missing[.powerAverage] == failure)
                #expect(gpu.powerInstant != nil)
            }
            #expect(second.calls == first.calls, "a passing failure is asked again every read")
        }
    }
}
