import Collector
import Testing
import Wire

@Suite struct SampleColumnChunkTests {
    @Test func roundTripsAndRefusesDamage() throws {
        var model = NodeStreamModel(seed: 2)
        var batch = model.nextBatch()
        batch.columns[3].values[4] = nil
        let chunks = PreparedChunk.chunks(of: batch)
        #expect(chunks.count == batch.columns.count)
        for (chunk, column) in zip(chunks, batch.columns) {
            let decoded = try SampleColumnChunk(decoding: chunk.blob)
            #expect(decoded.values == column.values.compactMap { $0 })
            let times = zip(batch.timestamps, column.values).compactMap { $1 == nil ? nil : $0 }
            #expect(decoded.timestamps == times)
            #expect(chunk.count == times.count && chunk.startMs == times.first && chunk.endMs == times.last)
        }
        // Ten 1 Hz ticks of a power series with their own timestamps: about 2.5 bytes a sample.
        #expect(chunks[0].blob.count <= 32)
        // Truncated or trailing bytes are errors, never a trap.
        let blob = chunks[0].blob
        #expect(throws: WireError.self) { _ = try SampleColumnChunk(decoding: Array(blob.dropLast())) }
        #expect(throws: WireError.self) { _ = try SampleColumnChunk(decoding: blob + [0]) }
        #expect(throws: WireError.self) { _ = try SampleColumnChunk(decoding: [0xFF, 0xFF, 0xFF]) }
        #expect(try SampleColumnChunk(decoding: [0]).values.isEmpty)
    }
}
