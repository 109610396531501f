import GPU
import GreencapCore
import Modbus
import Wire

/// Turns each tick's GPU and Modbus readings into fixed-point columns and, every `ticksPerBatch` ticks, a
/// `SampleBatch` for the spool. Resolutions follow docs/protocol.md ("Resolutions"): whole watts, joules,
/// degrees, MHz and percent; volts in tenths.
struct TelemetryBatcher: Sendable {
    let ticksPerBatch: Int
    var catalog: SeriesCatalog
    private var timestamps: [Int64] = []
    private var columns: [UInt32: [Int64?]] = [:]
    private var row: [(UInt32, Int64)] = []

    init(ticksPerBatch: Int, catalog: SeriesCatalog) {
        self.ticksPerBatch = max(1, ticksPerBatch)
        self.catalog = catalog
    }

    /// Adds one tick; returns a finished batch (sequence 0: the spool numbers it) when one is due.
    mutating func record(now: Int64, gpus: [GPUReading], modbus: [DeviceSnapshot]) -> SampleBatch? {
        row.removeAll(keepingCapacity: true)
        for gpu in gpus { addGPU(gpu) }
        for device in modbus { addDevice(device, now: now) }
        let tick = timestamps.count
        timestamps.append(now)
        for (id, value) in row {
            if columns[id] == nil { columns[id] = Array(repeating: nil, count: tick) }
            columns[id]?.append(value)
        }
        for id in columns.keys where (columns[id]?.count ?? 0) < tick + 1 { columns[id]?.append(nil) }
        guard timestamps.count >= ticksPerBatch else { return nil }
        return flush()
    }

    /// What has been gathered so far as a batch (at shutdown), or nil when there is nothing.
    mutating func flush() -> SampleBatch? {
        guard !timestamps.isEmpty else { return nil }
        let batch = SampleBatch(
            sequence: 0, timestamps: timestamps,
            columns: columns.keys.sorted().map { SampleColumn(seriesID: $0, values: columns[$0] ?? []) })
        timestamps.removeAll(keepingCapacity: true)
        columns.removeAll(keepingCapacity: true)
        return batch
    }

    private mutating func add(_ metric: String, _ labels: [SeriesDefinition.Label], _ unit: String, _ value: Int64?,
                              decimals: Int8 = 0, kind: SeriesDefinition.Kind = .gauge) {
        guard let value, let id = catalog.id(metric, labels, unit: unit, decimals: decimals, kind: kind) else { return }
        row.append((id, value))
    }

    private mutating func addGPU(_ gpu: GPUReading) {
        let labels = [SeriesDefinition.Label("gpu", String(gpu.identity.index))]
        add("gpu_power_watts", labels, "W", (gpu.powerInstant ?? gpu.powerAverage).map { Self.round($0.value, 1000) })
        add("gpu_energy_joules", labels, "J", gpu.energy.map { Int64(clamping: $0.value / 1000) }, kind: .counter)
        add("gpu_temperature_celsius", labels, "Cel", gpu.temperatureCelsius.map(Int64.init))
        add("gpu_sm_clock_mhz", labels, "MHz", gpu.smClockMHz.map(Int64.init))
        add("gpu_utilization_percent", labels, "%", gpu.gpuUtilizationPercent.map(Int64.init))
        add("gpu_memory_utilization_percent", labels, "%", gpu.memoryUtilizationPercent.map(Int64.init))
        add("gpu_power_limit_watts", labels, "W", gpu.limits.enforced.map { Self.round($0.value, 1000) })
    }

    private mutating func addDevice(_ device: DeviceSnapshot, now: Int64) {
        for reading in device.readings(at: now) where reading.quality == .good {
            var labels = [SeriesDefinition.Label("device", device.device)]
            if let entity = reading.entity { labels.append(SeriesDefinition.Label(reading.metric.entity?.rawValue ?? "index", String(entity))) }
            let name = reading.metric.name.replacingDots()
            switch reading.value {
            case .number(let number)?:
                let decimals: Int8 = reading.metric.unit == .volts ? 1 : 0
                let scaled = (number * (decimals == 1 ? 10 : 1)).rounded()
                guard scaled.isFinite, abs(scaled) < 9e15 else { continue }
                add(name, labels, reading.metric.unit.rawValue, Int64(scaled), decimals: decimals)
            case .flag(let flag)?:
                add(name, labels, "1", flag ? 1 : 0)
            case .text?, nil:
                continue
            }
        }
    }

    private static func round(_ value: Int64, _ unit: Int64) -> Int64 { (value + unit / 2).floorDivided(by: unit) }
}

extension String {
    /// "pdu.outlet.power_w" → "pdu_outlet_power_w": metric names as Prometheus and SQL like them.
    fileprivate func replacingDots() -> String { String(map { $0 == "." ? "_" : $0 }) }
}
