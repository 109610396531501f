import Foundation
import GreencapTestSupport
import Logging
import Testing

@testable import RemoteWrite

/// The whole path into a real Prometheus: our protobuf, our snappy, our client, Prometheus' receiver and
/// TSDB, and back out through its query API, compared sample by sample.
@Suite(.serialized) struct PrometheusSystemTests {
    static let logger = Logger(label: "remote-write-prometheus-test")

    @Test func samplesRoundTripThroughPrometheus() async throws {
        let prometheus = try PrometheusServer()
        defer { prometheus.stop() }
        let version = try PrometheusServer.version()
        print("remote-write system test against: \(version)")

        // Near now: Prometheus refuses samples older than its head block allows.
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let start = now - 120_000 + 7  // odd milliseconds prove nothing is rounded to seconds
        var series: [TimeSeries] = []
        for node in ["gpu-node-1", "gpu-node-2"] {
            for gpu in 0..<3 {
                let location = GreencapLocation(site: "yeosu", row: "r1", rack: "k2", node: node, gpu: "\(gpu)")
                let samples = (0..<40).map { index in
                    Sample(value: 250.0 + Double(gpu) * 100 + Double(index) / 3, timestamp: start + Int64(index) * 2_500 + Int64(gpu))
                }
                series.append(TimeSeries(labels: GreencapSeries.labels(metric: "greencap_gpu_power_watts", location: location), samples: samples))
            }
        }
        // Another metric with extreme values, one sample per series.
        series.append(
            TimeSeries(
                labels: [Label("__name__", "greencap_node_energy_joules_total"), Label("node", "gpu-node-1"), Label("site", "yeosu")],
                samples: [Sample(value: 1.2345678901234567e15, timestamp: now - 1_000), Sample(value: -0.000123, timestamp: now - 999)]))

        let configuration = RemoteWriteConfiguration(
            endpoint: prometheus.writeURL, maximumSamplesPerRequest: 50,
            backoff: BackoffPolicy(retries: 2, base: .milliseconds(50), cap: .milliseconds(200)))
        let client = RemoteWriteClient(configuration: configuration, logger: Self.logger)
        let report = try await client.write(series)
        #expect(report.samples == 242)
        #expect(report.requests == 5)
        #expect(report.attempts == report.requests)

        let at = Double(now) / 1000 + 1
        let stored = try prometheus.rawSamples("{__name__=~\"greencap_.*\"}", window: "10m", at: at)
        #expect(stored.count == series.count)
        for one in series {
            let key = Dictionary(uniqueKeysWithValues: one.labels.map { ($0.name, $0.value) })
            let samples = try #require(stored[key], "series \(key) not found in \(stored.keys)")
            #expect(samples.map(\.0) == one.samples.map(\.timestamp), "timestamps of \(key)")
            #expect(samples.map(\.1.bitPattern) == one.samples.map(\.value.bitPattern), "values of \(key)")
        }

        // Out of order against what is stored: a sample between two stored ones with another value. Locally valid,
        // so only the receiver can refuse it, with a 400 that must not be retried.
        let stale = TimeSeries(labels: series[0].labels, samples: [Sample(value: 1, timestamp: start + 1_000)])
        do throws(RemoteWriteError) {
            try await client.write([stale])
            Issue.record("Prometheus accepted an out-of-order sample")
        } catch {
            guard case .rejected(let endpoint, let status, let message, let attempts) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(endpoint == prometheus.writeURL)
            #expect(status == 400)
            #expect(attempts == 1)
            #expect(message.contains("out of order"), "\(message)")
        }

        // Bytes that are not a WriteRequest: refused as a bad request, once.
        await #expect(throws: RemoteWriteError.self) { try await client.post(protobuf: [0x0A, 0x7F, 0x01]) }
        do throws(RemoteWriteError) {
            try await client.post(protobuf: [0x0A, 0x7F, 0x01])
        } catch {
            guard case .rejected(_, 400, _, 1) = error else {
                Issue.record("unexpected \(error)")
                return
            }
        }

        // The refused writes changed nothing.
        let after = try prometheus.rawSamples("greencap_gpu_power_watts", window: "10m", at: at)
        let key = Dictionary(uniqueKeysWithValues: series[0].labels.map { ($0.name, $0.value) })
        #expect(after[key]?.map(\.0) == series[0].samples.map(\.timestamp))
    }
}
