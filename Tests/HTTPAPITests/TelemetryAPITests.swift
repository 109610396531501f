import Collector
import Foundation
import GreencapCore
import Testing
import Wire

/// Node endpoints over telemetry written the way the ingest server writes it (`SQLiteTelemetryStore.commit`).
@Suite struct TelemetryAPITests {
    static let t0: Int64 = (APITestServer.now - 600) * 1000

    static func seed(_ store: SQLiteStore) async throws {
        let telemetry = SQLiteTelemetryStore(store: store)
        let power = SeriesDefinition(id: 1, metric: "gpu_power", labels: [.init("gpu", "0")], unit: "W", decimals: 1)
        let temperature = SeriesDefinition(id: 2, metric: "gpu_temperature", labels: [.init("gpu", "0")], unit: "Cel")
        let batch = SampleBatch(
            sequence: 1, timestamps: [t0, t0 + 1000, t0 + 2000],
            columns: [SampleColumn(seriesID: 1, values: [3505, 3512, 3498]), SampleColumn(seriesID: 2, values: [61, 62, nil])])
        let audit = WireAuditRecord(
            time: t0 + 1500, node: "gpu-01", gpu: 0, old: .watts(700), new: .watts(350), causeCode: 3, causeText: "renewable",
            author: "collector", leaseExpiresAt: t0 + 60_000, dryRun: false)
        let outcomes = try await telemetry.commit([
            .nodeSeen(node: "gpu-01", agentVersion: "0.9.0", peer: "10.0.0.5:50000", at: t0),
            .nodeSeen(node: "gpu-02", agentVersion: "0.9.0", peer: "10.0.0.6:50000", at: t0),
            .dictionary(connection: 1, node: "gpu-01", entries: [power, temperature]),
            .samples(connection: 1, node: "gpu-01", sequence: 1, chunks: PreparedChunk.chunks(of: batch), sampleCount: batch.sampleCount),
            .events(node: "gpu-01", sequence: 2, events: [.audit(audit)]),
            .policySent(node: "gpu-01", policyID: "p-7", at: t0 + 100),
            .policyAck(node: "gpu-01", policyID: "p-7", applied: true, reason: nil, at: t0 + 200),
            .policySent(node: "gpu-02", policyID: "p-7", at: t0 + 100),
        ])
        #expect(outcomes.contains(.stored(ack: 2)))
    }

    func withServer(_ body: (APITestServer) async throws -> Void) async throws {
        try await APITestServer.with(seed: Self.seed, telemetry: { SQLiteTelemetryQueries(store: $0) }, body)
    }

    @Test func nodesAndOneNode() async throws {
        try await withServer { server in
            let nodes = try #require(try await server.get("/api/v1/nodes").json()["nodes"] as? [[String: Any]])
            #expect(nodes.map { $0["id"] as? String } == ["gpu-01", "gpu-02"])
            #expect(nodes.first?["agent_version"] as? String == "0.9.0")
            #expect(nodes.first?["series_count"] as? Int == 2)
            #expect(nodes.first?["last_sequence"] as? Int == 2)

            let detail = try await server.get("/api/v1/nodes/gpu-01").json()
            let series = try #require(detail["series"] as? [[String: Any]])
            #expect(series.map { $0["metric"] as? String } == ["gpu_power", "gpu_temperature"])
            #expect((series.first?["labels"] as? [String: String]) == ["gpu": "0"])

            let missing = try await server.get("/api/v1/nodes/gpu-99")
            #expect(missing.status == 404)
            #expect((try missing.json()["error"] as? String)?.contains("gpu-99") == true)
        }
    }

    @Test func latestAndHistoryAreScaledByDecimals() async throws {
        try await withServer { server in
            let latest = try #require(try await server.get("/api/v1/nodes/gpu-01/latest").json()["samples"] as? [[String: Any]])
            #expect(latest.map { $0["value"] as? Double } == [349.8, 62])
            #expect(latest.first?["time"] as? String == Timestamp.formatRFC3339Milliseconds(Self.t0 + 2000))

            let history = try await server.get("/api/v1/nodes/gpu-01/history?metric=gpu_power")
            #expect(history.status == 200, "\(history.text)")
            let series = try #require(try history.json()["series"] as? [[String: Any]])
            let points = try #require(series.first?["points"] as? [[String: Any]])
            #expect(points.map { $0["value"] as? Double } == [350.5, 351.2, 349.8])

            #expect(try await server.get("/api/v1/nodes/gpu-01/history").status == 400)
            #expect(try await server.get("/api/v1/nodes/gpu-01/history?metric=fan_speed").status == 404)
            #expect(try await server.get("/api/v1/nodes/gpu-99/history?metric=gpu_power").status == 404)
        }
    }

    @Test func capsAndAudit() async throws {
        try await withServer { server in
            let caps = try #require(try await server.get("/api/v1/caps").json()["deliveries"] as? [[String: Any]])
            #expect(caps.map { $0["node"] as? String } == ["gpu-01", "gpu-02"])
            #expect(caps.first?["outcome"] as? String == "applied")
            #expect(caps.last?["acked"] == nil, "gpu-02 has not acknowledged")

            let audit = try #require(try await server.get("/api/v1/audit?node=gpu-01&cause=renewable").json()["entries"] as? [[String: Any]])
            #expect(audit.count == 1)
            #expect(audit.first?["new_watts"] as? Double == 350 && audit.first?["old_watts"] as? Double == 700)
            #expect(try await server.get("/api/v1/audit?cause=3").json()["entries"].map { ($0 as? [Any])?.count } == 1)
            #expect(try await server.get("/api/v1/audit?cause=safe").json()["entries"].map { ($0 as? [Any])?.count } == 0)
            #expect(try await server.get("/api/v1/audit?node=gpu-99").status == 404)
        }
    }
}
