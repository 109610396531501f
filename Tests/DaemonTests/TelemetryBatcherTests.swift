@testable import Agent
import GPU
import GreencapCore
import Testing
import Wire

@Suite struct TelemetryBatcherTests {
    static func gpu(_ index: UInt32, watts: Int64, joules: UInt64) -> GPUReading {
        var reading = GPUReading(identity: GPUIdentity(index: index, uuid: "GPU-\(index)", name: "H100"))
        reading.powerInstant = Milliwatts(watts * 1000 + 400)
        reading.energy = Millijoules(joules * 1000)
        reading.temperatureCelsius = 60
        reading.limits = PowerLimits(enforced: .watts(637))
        return reading
    }

    @Test func tenTicksMakeOneBatchThatRoundTripsThroughTheWire() throws {
        var batcher = TelemetryBatcher(ticksPerBatch: 10, catalog: SeriesCatalog())
        var batch: SampleBatch?
        for tick in 0..<10 {
            let gpus = (0..<8).map { Self.gpu($0, watts: 600 + Int64(tick), joules: 1_000 + UInt64(tick) * 600) }
            let made = batcher.record(now: 1_745_636_400_000 + Int64(tick) * 1000, gpus: gpus, modbus: [])
            batch = made
            #expect((batch == nil) == (tick < 9))
        }
        let full = try #require(batch)
        #expect(full.timestamps.count == 10)
        #expect(full.columns.count == 8 * 4, "power, energy, temperature, limit per GPU (the rest unread)")
        let power = try #require(full.columns.first)
        #expect(power.values.compactMap { $0 } == (0..<10).map { 600 + Int64($0) }, "whole watts, rounded")
        let body = try SampleBatchEncoder().encode(full)
        #expect(try SampleBatchDecoder().decode(body) == full)
        #expect(Double(body.readableBytes) / Double(full.sampleCount) < 1.5)
    }

    @Test func aSeriesThatAppearsLateHasGapsBeforeIt() throws {
        var batcher = TelemetryBatcher(ticksPerBatch: 3, catalog: SeriesCatalog())
        _ = batcher.record(now: 0, gpus: [Self.gpu(0, watts: 500, joules: 1)], modbus: [])
        _ = batcher.record(now: 1000, gpus: [Self.gpu(0, watts: 500, joules: 2), Self.gpu(1, watts: 400, joules: 1)], modbus: [])
        let last = batcher.record(now: 2000, gpus: [Self.gpu(0, watts: 500, joules: 3)], modbus: [])
        let batch = try #require(last)
        let late = try #require(batch.columns.first { $0.seriesID == 4 })
        #expect(late.values == [nil, 400, nil])
        #expect(batch.columns.allSatisfy { $0.values.count == 3 })
    }

    @Test func theCatalogSurvivesARestartWithTheSameIDs() {
        var catalog = SeriesCatalog()
        _ = catalog.id("gpu_power_watts", [.init("gpu", "0")], unit: "W")
        _ = catalog.id("ups_input_voltage_v", [.init("device", "ups-1")], unit: "V", decimals: 1)
        _ = catalog.id("gpu_energy_joules", [.init("gpu", "0")], unit: "J", kind: .counter)
        let text = catalog.takeNew().map(SeriesCatalog.line).joined(separator: "\n") + "\n"
        var (loaded, bad) = SeriesCatalog.load(text)
        #expect(bad == nil)
        #expect(loaded.definitions == catalog.definitions)
        #expect(loaded.id("gpu_energy_joules", [.init("gpu", "0")], unit: "J", kind: .counter) == 2)
        #expect(loaded.takeNew().isEmpty)
        #expect(SeriesCatalog.load(text + "7\tbroken\n").badLine == 4)
    }
}
