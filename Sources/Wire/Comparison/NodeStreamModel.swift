import Controller

/// A deterministic stand-in for one GPU server's telemetry: 8 GPUs × 8 fields, a 24-outlet PDU with its
/// inlet, and a UPS, sampled at 1 Hz. It exists to hold the encoding to a size budget on data shaped like the
/// real thing (noisy power, climbing energy counters, slow temperatures, flat clocks and limits), the same
/// numbers on every run.
///
/// Resolutions are what the readings can honestly carry: NVML power is ±5 % accurate, so whole watts lose
/// nothing; PDU outlets report whole watts; temperature is reported in whole degrees; UPS input voltage
/// carries tenths.
public struct NodeStreamModel: Sendable {
    public static let gpuCount = 8
    public static let outletCount = 24

    public let series: [SeriesDefinition]
    public let intervalMilliseconds: Int64
    private var generator: SeededGenerator
    private var time: Int64
    private var sequence: UInt64 = 0
    private var gpus: [GPUState]
    private var otherServerWatts = 3200.0

    private struct GPUState: Sendable {
        var level: Double
        var energyMillijoules: Int64
        var temperature: Double
        var smClock: Int64 = 1980
        var memoryUsed: Int64
        var utilization: Int64 = 100
    }

    public init(seed: UInt64 = 1, start: Int64 = 1_735_689_600_000, intervalMilliseconds: Int64 = 1000) {
        generator = SeededGenerator(seed: seed)
        time = start
        self.intervalMilliseconds = intervalMilliseconds
        var seeded = SeededGenerator(seed: seed ^ 0x5EED)
        gpus = (0..<Self.gpuCount).map { index in
            GPUState(
                level: 560 + 60 * seeded.nextSigned(), energyMillijoules: 41_000_000_000 + Int64(index) * 977_000_000,
                temperature: 62 + 4 * seeded.nextSigned(), memoryUsed: 70_000 + Int64(index) * 131)
        }
        series = Self.definitions()
    }

    private static func definitions() -> [SeriesDefinition] {
        var all: [SeriesDefinition] = []
        func add(_ metric: String, _ labels: [SeriesDefinition.Label], _ unit: String, _ decimals: Int8 = 0, _ kind: SeriesDefinition.Kind = .gauge) {
            all.append(SeriesDefinition(id: UInt32(all.count), metric: metric, labels: labels, unit: unit, decimals: decimals, kind: kind))
        }
        for gpu in 0..<gpuCount {
            let label = [SeriesDefinition.Label("gpu", String(gpu))]
            add("gpu_power_watts", label, "W")
            add("gpu_energy_joules", label, "J", 0, .counter)
            add("gpu_temperature_celsius", label, "Cel")
            add("gpu_sm_clock_mhz", label, "MHz")
            add("gpu_memory_clock_mhz", label, "MHz")
            add("gpu_utilization_percent", label, "%")
            add("gpu_memory_used_mib", label, "MiBy")
            add("gpu_power_limit_watts", label, "W")
        }
        for outlet in 1...outletCount {
            add("pdu_outlet_power_watts", [.init("device", "pdu-a"), .init("outlet", String(outlet))], "W")
        }
        add("pdu_inlet_power_watts", [.init("device", "pdu-a")], "W")
        let ups = [SeriesDefinition.Label("device", "ups-1")]
        add("ups_load_watts", ups, "W")
        add("ups_on_battery", ups, "1")
        add("ups_charge_percent", ups, "%")
        add("ups_runtime_seconds", ups, "s")
        add("ups_input_voltage_volts", ups, "V", 1)
        return all
    }

    /// The next `ticks` seconds as one batch, every series present at every tick.
    public mutating func nextBatch(ticks: Int = 10) -> SampleBatch {
        sequence += 1
        var timestamps: [Int64] = []
        var columns = series.map { SampleColumn(seriesID: $0.id, values: []) }
        for _ in 0..<ticks {
            timestamps.append(time)
            let row = step()
            for (index, value) in row.enumerated() { columns[index].values.append(value) }
            time += intervalMilliseconds
        }
        return SampleBatch(sequence: sequence, timestamps: timestamps, columns: columns)
    }

    /// One tick of every series, in dictionary order.
    private mutating func step() -> [Int64] {
        var row: [Int64] = []
        row.reserveCapacity(series.count)
        var gpuWatts = 0.0
        let seconds = Double(intervalMilliseconds) / 1000
        for index in gpus.indices {
            var gpu = gpus[index]
            // A job changes phase now and then; between changes power jitters around its level.
            if generator.next() % 600 == 0 { gpu.level = 420 + 260 * (generator.nextSigned() + 1) / 2 }
            let watts = min(700, max(90, gpu.level + 12 * (generator.nextSigned() + generator.nextSigned())))
            gpuWatts += watts
            gpu.energyMillijoules += Int64(watts * 1000 * seconds)
            gpu.temperature += (35 + watts * 0.055 - gpu.temperature) * 0.02
            if generator.next() % 900 == 0 { gpu.smClock = gpu.smClock == 1980 ? 1830 : 1980 }
            gpu.utilization = generator.next() % 25 == 0 ? 85 + Int64(generator.next() % 15) : 100
            if generator.next() % 1200 == 0 { gpu.memoryUsed += Int64(generator.next() % 2048) - 1024 }
            gpus[index] = gpu
            row += [
                Int64(watts.rounded()), gpu.energyMillijoules / 1000, Int64(gpu.temperature.rounded()), gpu.smClock, 2619,
                gpu.utilization, gpu.memoryUsed, 700,
            ]
        }
        // Outlets 1–6: this server's supplies; 7–12: a neighbour; 13–16: switches and storage; 17–24: empty.
        let nodeWatts = gpuWatts + 900 + 20 * generator.nextSigned()
        if generator.next() % 300 == 0 { otherServerWatts = 2000 + 2500 * (generator.nextSigned() + 1) / 2 }
        var inlet: Int64 = 0
        for outlet in 1...Self.outletCount {
            let watts: Double
            switch outlet {
            case 1...6: watts = nodeWatts / 6 + 3 * generator.nextSigned()
            case 7...12: watts = otherServerWatts / 6 + 25 * generator.nextSigned()
            case 13...16: watts = 140 + 2 * generator.nextSigned()
            default: watts = 0
            }
            let reported = Int64(watts.rounded())
            inlet += reported
            row.append(reported)
        }
        row.append(inlet)
        let load = inlet + 35 + Int64((4 * generator.nextSigned()).rounded())
        row += [load, 0, 100, 5400 - load / 10 + Int64(generator.next() % 3), 2300 + Int64((3 * generator.nextSigned()).rounded())]
        return row
    }
}
