import GPU
import GreencapCore
import GreencapTestSupport
import Logging
import Testing

@Suite("Reading GPUs from the simulator", .serialized)
struct GPUReadTests {
    let logger = Logger(label: "test")

    func fleet(_ simulator: SimulatedNVML, writes: GPUWriteMode = .enforce, rediscover: Duration = .seconds(30)) throws -> GPUFleet {
        try GPUFleet(library: try NVMLLibrary(path: simulator.libraryPath), writeMode: writes, rediscoverEvery: rediscover, logger: logger)
    }

    @Test("the default scenario is an 8-GPU H100 SXM node with 200–700 W limits")
    func enumeration() throws {
        let simulator = try SimulatedNVML()
        let fleet = try fleet(simulator)
        let gpus = fleet.identities
        #expect(gpus.count == 8)
        #expect(Set(gpus.map(\.uuid)).count == 8)
        #expect(gpus.allSatisfy { $0.name == "NVIDIA H100 80GB HBM3" && $0.uuid.hasPrefix("GPU-") })
        #expect(gpus.map(\.pciBusID) == [
            "00000000:18:00.0", "00000000:2A:00.0", "00000000:3A:00.0", "00000000:5D:00.0",
            "00000000:9A:00.0", "00000000:AB:00.0", "00000000:BA:00.0", "00000000:DB:00.0",
        ])
        #expect(gpus.allSatisfy { ($0.serial ?? "").count == 13 })
    }

    @Test("one batched read fills every field of every GPU in 5 calls per GPU")
    func batchedRead() throws {
        let simulator = try SimulatedNVML()
        let reading = try fleet(simulator).read()
        #expect(reading.gpus.count == 8)
        #expect(reading.lost.isEmpty)
        #expect(reading.batched)
        #expect(reading.calls == 40)
        for gpu in reading.gpus {
            #expect(gpu.missing.isEmpty, "GPU \(gpu.identity.index) missing \(gpu.missing)")
            #expect(gpu.powerAverage != nil && gpu.powerInstant != nil && gpu.energy != nil)
            #expect(gpu.temperatureCelsius != nil && gpu.gpuUtilizationPercent != nil && gpu.memoryUtilizationPercent != nil)
            #expect(gpu.smClockMHz != nil && gpu.clockEvents != nil)
            #expect(gpu.limits == PowerLimits(
                minimum: .watts(200), maximum: .watts(700), defaultLimit: .watts(700), requested: .watts(700), enforced: .watts(700)))
        }
    }

    @Test("training load draws close to 700 W per GPU and the energy counter integrates it")
    func powerAndEnergy() async throws {
        let simulator = try SimulatedNVML(scenario: "workload = constant:650\n")
        let fleet = try fleet(simulator)
        try await Task.sleep(for: .seconds(2))  // past the model's lag
        let first = fleet.read()
        let clock = ContinuousClock()
        let start = clock.now
        try await Task.sleep(for: .seconds(1))
        let second = fleet.read()
        let seconds = Double((clock.now - start).components.attoseconds) / 1e18 + Double((clock.now - start).components.seconds)
        for (a, b) in zip(first.gpus, second.gpus) {
            let power = try #require(b.powerInstant).watts
            #expect(abs(power - 650) < 5, "GPU \(b.identity.index) draws \(power) W")
            let joules = try #require(b.energy).joules - (try #require(a.energy).joules)
            #expect(abs(joules / seconds - 650) < 650 * 0.1, "energy rate \(joules / seconds) W")
            #expect(b.gpuUtilizationPercent == 100)
        }
    }

    @Test("a driver without nvmlDeviceGetFieldValues is read one call per value; instantaneous power is then unavailable")
    func unbatched() throws {
        let simulator = try SimulatedNVML(scenario: "field_values = absent\n")
        let fleet = try fleet(simulator)
        let reading = fleet.read()
        #expect(!reading.batched)
        #expect(reading.gpus.count == 8)
        for gpu in reading.gpus {
            #expect(gpu.powerAverage != nil && gpu.energy != nil && gpu.limits.enforced != nil && gpu.limits.requested != nil)
            #expect(gpu.powerInstant == nil)
            #expect(gpu.missing.keys.sorted() == [.powerInstant])
        }
        let again = fleet.read()
        #expect(again.calls == 8 * 8, "after the first refusal the batch is not tried again")
    }

    @Test("an unsupported field is reported by name and reason; everything else still reads")
    func unsupportedField() throws {
        let simulator = try SimulatedNVML(scenario: "unsupported = power_instant, temperature, serial\n")
        let fleet = try fleet(simulator)
        let reading = fleet.read()
        #expect(reading.gpus.count == 8)
        for gpu in reading.gpus {
            #expect(gpu.powerInstant == nil && gpu.temperatureCelsius == nil && gpu.identity.serial == nil)
            #expect(gpu.missing[.powerInstant] == .notSupported)
            #expect(gpu.missing[.temperature] == .notSupported)
            #expect(gpu.missing[.serial] == .notSupported)
            #expect(gpu.powerAverage != nil && gpu.energy != nil && gpu.smClockMHz != nil)
        }
        let callsAfterRefusal = fleet.read().calls
        #expect(callsAfterRefusal == 8 * 4, "temperature is not asked again once refused")
    }

    @Test("a GPU lost mid-run is excluded, the others keep reading, and re-enumeration brings it back")
    func lostAndBack() throws {
        let simulator = try SimulatedNVML()
        let fleet = try fleet(simulator, rediscover: .milliseconds(1))
        let before = fleet.read()
        let uuid = try #require(before.gpus.first { $0.identity.index == 3 }).identity.uuid

        try simulator.update("lost = 3\n")
        let during = fleet.read()
        #expect(during.gpus.count == 7)
        #expect(!during.gpus.contains { $0.identity.index == 3 })
        #expect(during.lost.map(\.index) == [3])
        #expect(during.lost.first?.uuid == uuid)
        #expect(during.lost.first?.failure == .gpuIsLost)
        #expect(during.gpus.allSatisfy { $0.powerAverage != nil })
        #expect(throws: GPUWriteError.gpuLost(index: 3, uuid: uuid)) { try fleet.setPowerLimit(gpu: "3", to: .watts(400)) }

        // Still lost at the next re-enumeration: no change, no crash.
        #expect(fleet.read().lost.map(\.index) == [3])

        try simulator.update("lost =\n")
        let after = fleet.read()
        #expect(after.gpus.count == 8)
        #expect(after.lost.isEmpty)
        #expect(after.gpus.first { $0.identity.index == 3 }?.identity.uuid == uuid)
    }

    @Test("a GPU vanishing from the count is listed as lost, not forgotten")
    func vanishedFromCount() throws {
        let simulator = try SimulatedNVML()
        let fleet = try fleet(simulator, rediscover: .milliseconds(1))
        _ = fleet.read()
        try simulator.update("gpus = 6\n")
        fleet.rediscover()
        let reading = fleet.read()
        #expect(reading.gpus.count == 6)
        #expect(reading.lost.map(\.index) == [6, 7])
        #expect(reading.lost.allSatisfy { $0.failure == .gpuNotFound && $0.uuid != nil })
    }

    @Test("a GPU lost before enumeration is reported from the start and joins when it answers")
    func lostAtStart() throws {
        let simulator = try SimulatedNVML(scenario: "lost = 0, 5\n")
        let fleet = try fleet(simulator, rediscover: .milliseconds(1))
        let reading = fleet.read()
        #expect(reading.gpus.count == 6)
        #expect(reading.lost.map(\.index) == [0, 5])
        #expect(reading.lost.allSatisfy { $0.uuid == nil })
        try simulator.update("")
        #expect(fleet.read().gpus.count == 8)
    }
}
