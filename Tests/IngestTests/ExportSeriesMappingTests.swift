import RemoteWrite
import Testing
import Wire

@testable import Collector

/// Stored series and chunks → remote-write series: names, labels, scaling, ordering of late chunks.
@Suite struct ExportSeriesMappingTests {
    static func chunk(_ rowID: Int64, series: Int64, _ info: ExportSeries?, times: [Int64], values: [Int64]) -> ExportChunk {
        let data = SampleColumnChunk(timestamps: times, values: values).encoded()
        return ExportChunk(rowID: rowID, seriesID: series, data: data, count: values.count, series: info)
    }

    @Test func namesLabelsAndScale() {
        let info = ExportSeries(
            node: "n1", metric: "pdu.outlet.power_w", labels: "__x=1,node=other,outlet=3", decimals: -2, isCounter: false,
            site: "yeosu", row: nil, rack: "")
        let labels = Dictionary(uniqueKeysWithValues: ExportSeriesMapping.labels(info).map { ($0.name, $0.value) })
        #expect(
            labels == [
                "__name__": "greencap_pdu_outlet_power_w", "node": "n1", "site": "yeosu", "exported___x": "1", "exported_node": "other",
                "outlet": "3",
            ])
        #expect(ExportSeriesMapping.metricName("gpu_energy_joules", isCounter: true) == "greencap_gpu_energy_joules_total")
        #expect(ExportSeriesMapping.metricName("greencap_x_total", isCounter: true) == "greencap_x_total")
        #expect(ExportSeriesMapping.metricName("9lives", isCounter: false) == "greencap__lives")
        #expect(ExportSeriesMapping.value(2503, decimals: 1) == 250.3)
        #expect(ExportSeriesMapping.value(-7, decimals: 3) == -0.007)
        #expect(ExportSeriesMapping.value(12, decimals: -2) == 1200)
    }

    @Test func lateAndRepeatedChunksMergeInTimeOrder() {
        let info = ExportSeries(node: "n1", metric: "gpu_power_watts", labels: "gpu=0", decimals: 0, isCounter: false)
        let chunks = [
            Self.chunk(1, series: 5, info, times: [3000, 4000], values: [3, 4]),
            Self.chunk(2, series: 5, info, times: [1000, 2000, 3000], values: [1, 2, 3]),  // a spool resend for older times
            Self.chunk(3, series: 6, nil, times: [1000], values: [9]),  // no series row
            ExportChunk(rowID: 4, seriesID: 5, data: [0xFF, 0xFF], count: 1, series: info),  // does not decode
        ]
        let (series, undecodable) = ExportSeriesMapping.timeSeries(chunks)
        #expect(undecodable == 2)
        #expect(series.count == 1)
        #expect(series.first?.samples.map(\.timestamp) == [1000, 2000, 3000, 4000])
        #expect(series.first?.samples.map(\.value) == [1, 2, 3, 4])
    }
}
