#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GreencapCore

/// How a simulated node behaves physically.
public struct PlantParameters: Sendable, Hashable {
    /// Time constant of each GPU's power following its limit (the NVML simulator's τ).
    public var lagTimeConstant: Duration = .milliseconds(250)
    /// From a limit write to the GPU enforcing it.
    public var limitWriteDelay: Duration = .milliseconds(100)
    /// CPUs, memory, fans, NICs, in watts.
    public var baseLoad: Double = 900
    /// Extra wall power per GPU watt (power-supply losses): seen by the PDU, not by NVML.
    public var conversionLoss: Double = 0
    /// PDU reading noise, uniform in ± this many watts.
    public var pduNoise: Double = 10
    /// Whether the node has a PDU reading at all.
    public var hasPDU = true

    public init() {}
}

/// A GPU server: its GPUs, its host load, and the PDU outlets that measure it. The "plant" of the loop.
public struct SimulatedNode: Sendable {
    public var gpus: [SimulatedGPU]
    public var parameters: PlantParameters
    /// Host load in watts; change it to disturb the loop (fans spinning up).
    public var baseLoad: Double
    private var noise: SeededGenerator
    private let tau: Double
    private let writeDelay: Int64

    public init(gpus: [SimulatedGPU], parameters: PlantParameters = PlantParameters(), seed: UInt64 = 1) {
        self.gpus = gpus
        self.parameters = parameters
        self.baseLoad = parameters.baseLoad
        self.noise = SeededGenerator(seed: seed)
        self.tau = max(1, Double(parameters.lagTimeConstant.wholeMilliseconds))
        self.writeDelay = parameters.limitWriteDelay.wholeMilliseconds
    }

    /// `count` GPUs running one workload, phases spread so they do not dip together.
    public init(
        gpuCount: Int = 8, workload: WorkloadProfile, parameters: PlantParameters = PlantParameters(), seed: UInt64 = 1,
        settledAt time: Int64 = 0
    ) {
        var gpus: [SimulatedGPU] = []
        for index in 0..<gpuCount {
            var gpu = SimulatedGPU(workload: workload, phase: Int64(index) * 50 + Int64(seed % 60) * 1000)
            gpu.settle(at: time)
            gpus.append(gpu)
        }
        self.init(gpus: gpus, parameters: parameters, seed: seed)
    }

    /// Wall power now, without measurement noise: what the facility really carries.
    public var truePower: Double {
        var sum = 0.0
        for gpu in gpus { sum += gpu.power }
        return baseLoad + sum * (1 + parameters.conversionLoss)
    }

    public var gpuPower: Double {
        var sum = 0.0
        for gpu in gpus { sum += gpu.power }
        return sum
    }

    /// The PDU outlets' sum as the agent would read it; nil without a PDU.
    public mutating func pduReading() -> Milliwatts? {
        guard parameters.hasPDU else { return nil }
        let watts = truePower + parameters.pduNoise * noise.nextSigned()
        return Milliwatts(Int64(max(0, watts) * 1000 + 0.5))
    }

    /// What NVML would report now, written into `readings` (resized only when the GPU count changes).
    public func readings(into readings: inout [GPUReading]) {
        if readings.count != gpus.count {
            readings = Array(
                repeating: GPUReading(
                    power: Milliwatts(0), enforcedLimit: Milliwatts(0), minimumLimit: Milliwatts(0),
                    maximumLimit: Milliwatts(0), defaultLimit: Milliwatts(0), pinned: false),
                count: gpus.count)
        }
        for index in gpus.indices {
            let gpu = gpus[index]
            readings[index] = GPUReading(
                power: Self.milliwatts(gpu.power), enforcedLimit: Self.milliwatts(gpu.enforcedLimit),
                minimumLimit: Self.milliwatts(gpu.minimumLimit), maximumLimit: Self.milliwatts(gpu.maximumLimit),
                defaultLimit: Self.milliwatts(gpu.defaultLimit), pinned: gpu.pinned)
        }
    }

    /// Writes the limits the loop decided (dry-run changes are not written).
    public mutating func apply(_ changes: [LimitChange], at now: Int64) {
        for change in changes where !change.dryRun && gpus.indices.contains(change.gpu) {
            gpus[change.gpu].setLimit(change.new.watts, now: now, delay: writeDelay)
        }
    }

    /// Advances every GPU by `elapsed` ms; `wholeStepDecay` is `decay(for: elapsed)`.
    public mutating func advance(from time: Int64, by elapsed: Int64, wholeStepDecay: Double) {
        for index in gpus.indices {
            gpus[index].advance(from: time, by: elapsed, tau: tau, wholeStepDecay: wholeStepDecay)
        }
    }

    /// exp(-elapsed/τ) for this node's lag.
    public func decay(for elapsed: Int64) -> Double { exp(-Double(elapsed) / tau) }

    /// To the nearest milliwatt; watts here are never negative, so adding a half and truncating rounds (and
    /// costs far less than `rounded()` a dozen times per GPU-tick in a fleet-day).
    private static func milliwatts(_ watts: Double) -> Milliwatts { Milliwatts(Int64(watts * 1000 + 0.5)) }
}
