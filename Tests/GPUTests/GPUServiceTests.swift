import GPU
import GreencapCore
import GreencapTestSupport
import Logging
import Synchronization
import Testing

@Suite("GPUService: NVML on its own thread", .serialized)
struct GPUServiceTests {
    let logger = Logger(label: "test")

    @Test("slow NVML calls block only NVML's thread; the caller's tasks keep running")
    func slowCallsStayOffThePool() async throws {
        let simulator = try SimulatedNVML(scenario: "slow_ms = 10\n")
        let service = GPUService(
            location: NVMLLibraryLocation(path: simulator.libraryPath, source: .commandLine), writeMode: .enforce,
            rediscoverEvery: .seconds(30), logger: logger)
        let ticks = Atomic<Int>(0)
        let ticker = Task {
            while !Task.isCancelled {
                ticks.add(1, ordering: .relaxed)
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        let clock = ContinuousClock()
        let start = clock.now
        guard case .reading(let reading) = await service.read() else {
            Issue.record("expected a reading")
            return
        }
        let elapsed = clock.now - start
        ticker.cancel()
        #expect(reading.gpus.count == 8)
        #expect(elapsed >= .milliseconds(400), "40+ calls at 10 ms each")
        #expect(ticks.load(ordering: .relaxed) >= 10, "other tasks ran while NVML was busy")
        await service.stop()
    }

    @Test("NVML that fails to initialise is reported, retried, and used once it works")
    func retriesUntilAvailable() async throws {
        let simulator = try SimulatedNVML(scenario: "init = driver_not_loaded\n")
        let service = GPUService(
            location: NVMLLibraryLocation(path: simulator.libraryPath, source: .configuration), writeMode: .enforce,
            rediscoverEvery: .milliseconds(50), logger: logger)
        guard case .unavailable(let reason) = await service.read() else {
            Issue.record("expected unavailable")
            return
        }
        #expect(reason.contains("kernel driver is not loaded"))
        try simulator.update("init = ok\n")
        try await Task.sleep(for: .milliseconds(60))
        guard case .reading(let reading) = await service.read() else {
            Issue.record("expected a reading after the driver came back")
            return
        }
        #expect(reading.gpus.count == 8)
        await service.stop()
    }

    @Test("a missing library leaves the service running and saying why")
    func missingLibrary() async throws {
        let service = GPUService(
            location: NVMLLibraryLocation(path: "/nonexistent/libnvidia-ml.so.1", source: .builtIn), writeMode: .enforce,
            rediscoverEvery: .seconds(30), logger: logger)
        guard case .unavailable(let reason) = await service.read() else {
            Issue.record("expected unavailable")
            return
        }
        #expect(reason.contains("/nonexistent/libnvidia-ml.so.1"))
        // A limit asked for while NVML is down says so, rather than that the GPU does not exist.
        do {
            _ = try await service.setPowerLimit(gpu: "0", to: .watts(400))
            Issue.record("a limit was accepted without NVML")
        } catch {
            guard case .nvmlUnavailable(let why) = error else {
                Issue.record("expected nvmlUnavailable, got \(error)")
                return
            }
            #expect(why.contains("/nonexistent/libnvidia-ml.so.1"))
        }
        await service.stop()
    }
}
