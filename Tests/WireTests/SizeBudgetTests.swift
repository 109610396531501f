import Testing
@testable import Wire

/// The budget: ≤ 1.5 bytes per sample for a realistic node stream (8 GPUs × 8 fields, a 24-outlet PDU
/// with inlet, a UPS; 1 Hz; 10 s batches). Deterministic data, so this is a correctness check, not a timing.
@Suite struct SizeBudgetTests {
    @Test func nodeStreamFitsTheBudget() throws {
        // Ten minutes: 60 batches of 940 samples.
        let sizes = try EncodingSizes.measure(batches: 60)
        #expect(sizes.samples == 60 * 10 * 94)
        #expect(sizes.wirePerSample <= 1.5, "\(sizes.wirePerSample) bytes/sample")
        #expect(sizes.wireWithDictionaryPerSample <= 1.5, "\(sizes.wireWithDictionaryPerSample) bytes/sample with the dictionary")
        #expect(sizes.jsonPerSample > 5 * sizes.wirePerSample)
        #expect(sizes.influxPerSample > 5 * sizes.wirePerSample)
    }

    @Test func otherSeedsFitToo() throws {
        for seed: UInt64 in [2, 99, 12345] {
            #expect(try EncodingSizes.measure(batches: 12, seed: seed).wirePerSample <= 1.5)
        }
    }

    @Test func modelIsDeterministicAndRealistic() {
        var first = NodeStreamModel(seed: 5)
        var second = NodeStreamModel(seed: 5)
        let a = first.nextBatch()
        #expect(a == second.nextBatch())
        #expect(a.columns.count == 94)
        // Energy counters climb; power stays within the board's range.
        for gpu in 0..<8 {
            let energy = a.columns[gpu * 8 + 1].values.compactMap { $0 }
            #expect(zip(energy, energy.dropFirst()).allSatisfy { $0 < $1 })
            #expect(a.columns[gpu * 8].values.compactMap { $0 }.allSatisfy { (90...700).contains($0) })
        }
    }

    @Test func textEncodingsCarryTheSameValues() {
        var model = NodeStreamModel(seed: 1)
        let batch = model.nextBatch(ticks: 2)
        let dictionary = Dictionary(uniqueKeysWithValues: model.series.map { ($0.id, $0) })
        let lines = TextEncodings.influxLines(batch, dictionary: dictionary).split(separator: "\n")
        #expect(lines.count == 2 * (8 + 24 + 1 + 1))
        #expect(lines[0].hasPrefix("gpu,gpu=0 power_watts="))
        let json = TextEncodings.json(batch, dictionary: dictionary)
        #expect(json.hasPrefix("{\"seq\":1,\"series\":[{\"metric\":\"gpu_power_watts\",\"labels\":{\"gpu\":\"0\"},\"unit\":\"W\",\"samples\":[[1735689600000,"))
        #expect(TextEncodings.decimal(2301, 1) == "230.1")
        #expect(TextEncodings.decimal(-5, 2) == "-0.05")
    }
}
