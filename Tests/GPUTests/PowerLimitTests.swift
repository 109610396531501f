import GPU
import GreencapCore
import GreencapTestSupport
import Logging
import Testing

@Suite("Setting power limits on the simulator", .serialized)
struct PowerLimitTests {
    let logger = Logger(label: "test")

    func fleet(_ simulator: SimulatedNVML, writes: GPUWriteMode = .enforce) throws -> GPUFleet {
        try GPUFleet(library: try NVMLLibrary(path: simulator.libraryPath), writeMode: writes, logger: logger)
    }

    @Test("set, read back the enforced limit, then restore the default")
    func setReadBackRestore() throws {
        let simulator = try SimulatedNVML()
        let fleet = try fleet(simulator)
        let change = try fleet.setPowerLimit(gpu: "2", to: .watts(450))
        #expect(change.applied && !change.clamped)
        #expect(change.previous == .watts(700))
        #expect(change.target == .watts(450))
        #expect(change.enforced == .watts(450))
        let limits = try #require(fleet.read().gpus.first { $0.identity.index == 2 }).limits
        #expect(limits.requested == .watts(450) && limits.enforced == .watts(450))
        #expect(fleet.read().gpus.filter { $0.limits.enforced == .watts(700) }.count == 7, "other GPUs untouched")

        let restored = try fleet.restoreDefaultLimit(gpu: change.gpu.uuid)
        #expect(restored.target == .watts(700) && restored.enforced == .watts(700))
    }

    @Test("requests outside the board's range are clamped, never passed through", arguments: [
        (Int64(100), Int64(200)), (Int64(199), Int64(200)), (Int64(200), Int64(200)), (Int64(700), Int64(700)),
        (Int64(701), Int64(700)), (Int64(5000), Int64(700)),
    ])
    func clamping(requestedWatts: Int64, expectedWatts: Int64) throws {
        let simulator = try SimulatedNVML()
        let change = try fleet(simulator).setPowerLimit(gpu: "0", to: .watts(requestedWatts))
        #expect(change.target == .watts(expectedWatts))
        #expect(change.enforced == .watts(expectedWatts))
        #expect(change.clamped == (requestedWatts != expectedWatts))
    }

    @Test("power follows a lowered limit within about a second, and the software power-cap reason shows")
    func powerFollowsLimit() async throws {
        let simulator = try SimulatedNVML(scenario: "workload = constant:650\n")
        let fleet = try fleet(simulator)
        try await Task.sleep(for: .milliseconds(1500))
        #expect(fleet.read().gpus[0].clockEvents?.contains(.softwarePowerCap) == false)
        _ = try fleet.setPowerLimit(gpu: "0", to: .watts(300))
        try await Task.sleep(for: .milliseconds(1500))
        let gpu = fleet.read().gpus[0]
        let instant = try #require(gpu.powerInstant).watts
        #expect(instant <= 302 && instant > 280, "instantaneous power \(instant) W under a 300 W limit")
        #expect(gpu.clockEvents?.contains(.softwarePowerCap) == true)
        #expect(try #require(gpu.smClockMHz) < 1980)
    }

    @Test("dry-run logs and sets nothing; read-only refuses")
    func dryRunAndReadOnly() throws {
        let simulator = try SimulatedNVML()
        let dryRun = try fleet(simulator, writes: .dryRun)
        let change = try dryRun.setPowerLimit(gpu: "1", to: .watts(100))
        #expect(!change.applied)
        #expect(change.target == .watts(200) && change.clamped)
        #expect(change.enforced == .watts(700))
        #expect(dryRun.read().gpus.allSatisfy { $0.limits.requested == .watts(700) })

        let readOnly = try fleet(simulator, writes: .readOnly)
        #expect(throws: GPUWriteError.readOnly) { try readOnly.setPowerLimit(gpu: "1", to: .watts(400)) }
    }

    @Test("no permission to set is a typed error and changes nothing")
    func noPermission() throws {
        let simulator = try SimulatedNVML(scenario: "set_limit = no_permission\n")
        let fleet = try fleet(simulator)
        #expect(throws: GPUWriteError.nvml(NVMLCallError(function: "nvmlDeviceSetPowerManagementLimit", gpu: 0, failure: .noPermission))) {
            try fleet.setPowerLimit(gpu: "0", to: .watts(400))
        }
        #expect(fleet.read().gpus[0].limits.requested == .watts(700))
    }

    @Test("a lower out-of-band limit wins and the read-back shows it")
    func externalCap() throws {
        let simulator = try SimulatedNVML(scenario: "external_cap_w = 350\n")
        let fleet = try fleet(simulator)
        let change = try fleet.setPowerLimit(gpu: "4", to: .watts(500))
        #expect(change.target == .watts(500))
        #expect(change.enforced == .watts(350))
    }

    @Test("unknown GPU names are refused")
    func unknownGPU() throws {
        let simulator = try SimulatedNVML()
        #expect(throws: GPUWriteError.unknownGPU("GPU-nope")) { try fleet(simulator).setPowerLimit(gpu: "GPU-nope", to: .watts(400)) }
    }
}
