import Collector
import Foundation
import GreencapConfig
import GreencapTestSupport
import Testing

@Suite struct SystemEndpointTests {
    @Test func healthzAnswersWhenTheStoreDoes() async throws {
        try await APITestServer.with { server in
            let reply = try await server.get("/healthz")
            #expect(reply.status == 200)
            #expect(try reply.json()["status"] as? String == "ok")
        }
    }

    @Test func unknownPathIsAJSON404() async throws {
        try await APITestServer.with { server in
            let reply = try await server.get("/api/v1/nope")
            #expect(reply.status == 404)
            #expect((try reply.json()["error"] as? String)?.contains("/api/v1/nope") == true)
        }
    }

    @Test func nodeEndpointsWithoutTelemetryAre503WithAHint() async throws {
        try await APITestServer.with { server in
            for path in [
                "/api/v1/nodes", "/api/v1/nodes/gpu-01", "/api/v1/nodes/gpu-01/latest", "/api/v1/nodes/gpu-01/history?metric=gpu_power",
                "/api/v1/caps", "/api/v1/audit",
            ] {
                let reply = try await server.get(path)
                #expect(reply.status == 503, "\(path)")
                let body = try reply.json()
                #expect((body["error"] as? String)?.contains("telemetry") == true)
                #expect((body["hint"] as? String)?.contains("[ingest]") == true)
            }
        }
    }

    /// The exposition passes `promtool check metrics` (parser and lint), with the collector's families in it.
    @Test func metricsPassPromtool() async throws {
        let promtool = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) }
        try await APITestServer.with(seed: { _ = try await APITestServer.seedGrid($0) }) { server in
            server.metrics.ingestFrames.increment(by: Int64(12))
            server.metrics.ingestSamples.increment(by: Int64(3000))
            server.metrics.refusals(reason: "auth").increment()
            server.metrics.connectedNodes.set(to: 2)
            server.metrics.storeCommit.record(.milliseconds(7))
            _ = try await server.get("/api/v1/grid/state")
            _ = try await server.get("/api/v1/grid/hours?limit=zero")
            let reply = try await server.get("/metrics")
            #expect(reply.status == 200)
            #expect(reply.contentType.hasPrefix("text/plain; version=0.0.4"))
            let text = reply.text
            for line in [
                "greencap_ingest_frames_total 12", "greencap_ingest_samples_total 3000", #"greencap_ingest_refusals_total{reason="auth"} 1"#,
                #"greencap_ingest_refusals_total{reason="malformed"} 0"#, "greencap_ingest_connected_nodes 2",
                #"greencap_http_requests_total{route="/api/v1/grid/state",status="200"} 1"#,
                #"greencap_http_requests_total{route="/api/v1/grid/hours",status="400"} 1"#, "greencap_grid_latest_hour_age_seconds 1800",
            ] {
                #expect(text.split(separator: "\n").contains { $0.hasPrefix(line) }, "missing \(line) in\n\(text)")
            }
            #expect(text.contains("greencap_store_commit_duration_seconds_bucket"))

            guard let promtool else {
                Issue.record("promtool is not installed (Debian package prometheus; scripts/install-deps.sh installs it)")
                return
            }
            let directory = try TemporaryDirectory.make()
            defer { directory.remove() }
            let file = try directory.write("metrics.txt", text)
            // promtool reads the exposition on stdin; a shell redirect keeps Subprocess's stdin handling as is.
            let check = try Subprocess.run("/bin/sh", ["-c", "\"$0\" check metrics < \"$1\"", promtool, file])
            #expect(check.status == 0, "promtool check metrics: \(check.output)")
        }
    }

    @Test func httpSettingsFromConfig() throws {
        let example = try CollectorConfig.load(path: Paths.repository + "/Config/collector.example.toml")
        #expect(example.http.host == "127.0.0.1" && example.http.port == 8080 && example.http.enabled)
        let custom = try CollectorConfig.load(path: "test.toml", text: "[http]\nlisten = \"[::]:9090\"\nenabled = false\n")
        #expect(custom.http.host == "::" && custom.http.port == 9090 && !custom.http.enabled)
        #expect {
            _ = try CollectorConfig.load(path: "test.toml", text: "[http]\nlisten = \"8080\"\n")
        } throws: { error in
            "\(error)".contains("listen") && "\(error)".contains("HOST:PORT")
        }
    }
}
