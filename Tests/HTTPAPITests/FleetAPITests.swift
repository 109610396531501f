import Collector
import Foundation
import GreencapCore
import Grid
import Testing
import Wire

/// `GET /api/v1/fleet/history` over telemetry written the way the ingest server writes it, and
/// `GET /api/v1/grid/forecast` over the recorded Jeonnam week, against the forecaster run directly.
@Suite struct FleetAPITests {
    static let t0: Int64 = (APITestServer.now - 600) * 1000

    /// Two nodes; n-a has two GPUs, n-b one. Steps of 30 s from t0:
    /// step 0: power 305 (mean of 300, 310) + 200 = 505, cap 400, 1 node; step 1: power 330 + 500 = 830, cap 400 + 600, 2 nodes.
    static func seed(_ store: SQLiteStore) async throws {
        _ = try await APITestServer.seedGrid(store)
        let telemetry = SQLiteTelemetryStore(store: store)
        func series(_ id: UInt32, _ metric: String, gpu: Int) -> SeriesDefinition {
            SeriesDefinition(id: id, metric: metric, labels: [.init("gpu", String(gpu))], unit: "W")
        }
        let a = SampleBatch(
            sequence: 1, timestamps: [t0, t0 + 5000, t0 + 10_000, t0 + 40_000],
            columns: [
                SampleColumn(seriesID: 0, values: [300, nil, 310, 330]), SampleColumn(seriesID: 1, values: [nil, 200, nil, nil]),
                SampleColumn(seriesID: 2, values: [400, nil, nil, 400]),
            ])
        let b = SampleBatch(
            sequence: 1, timestamps: [t0 + 35_000], columns: [SampleColumn(seriesID: 0, values: [500]), SampleColumn(seriesID: 1, values: [600])])
        let outcomes = try await telemetry.commit([
            .nodeSeen(node: "n-a", agentVersion: "1.0", peer: "10.0.0.1:5000", at: t0),
            .nodeSeen(node: "n-b", agentVersion: "1.0", peer: "10.0.0.2:5000", at: t0),
            .dictionary(
                connection: 1, node: "n-a",
                entries: [series(0, "gpu_power_watts", gpu: 0), series(1, "gpu_power_watts", gpu: 1), series(2, "gpu_power_limit_watts", gpu: 0)]),
            .dictionary(connection: 2, node: "n-b", entries: [series(0, "gpu_power_watts", gpu: 0), series(1, "gpu_power_limit_watts", gpu: 0)]),
            .samples(connection: 1, node: "n-a", sequence: 1, chunks: PreparedChunk.chunks(of: a), sampleCount: a.sampleCount),
            .samples(connection: 2, node: "n-b", sequence: 1, chunks: PreparedChunk.chunks(of: b), sampleCount: b.sampleCount),
        ])
        #expect(outcomes.filter { if case .stored = $0 { true } else { false } }.count == 2, "\(outcomes)")
    }

    func withServer(_ body: (APITestServer) async throws -> Void) async throws {
        try await APITestServer.with(seed: Self.seed, telemetry: { SQLiteTelemetryQueries(store: $0) }, body)
    }

    static func range(from: Int64, to: Int64) -> String {
        "from=\(Timestamp.formatRFC3339Milliseconds(from))&to=\(Timestamp.formatRFC3339Milliseconds(to))"
    }

    @Test func fleetSumsEachSeriesMeanPerStep() async throws {
        try await withServer { server in
            let reply = try await server.get("/api/v1/fleet/history?\(Self.range(from: Self.t0, to: Self.t0 + 90_000))&step=30s")
            #expect(reply.status == 200, "\(reply.text)")
            let body = try reply.json()
            #expect(body["step_seconds"] as? Double == 30)
            #expect(body["power_metric"] as? String == "gpu_power_watts")
            #expect(body["groups"] == nil)
            let points = try #require(body["points"] as? [[String: Any]])
            #expect(points.map { $0["power_watts"] as? Double } == [505, 830, nil])
            #expect(points.map { $0["cap_watts"] as? Double } == [400, 1000, nil])
            #expect(points.map { $0["nodes"] as? Int } == [1, 2, 0])
            #expect(points.first?["time"] as? String == Timestamp.formatRFC3339Milliseconds(Self.t0))
            // The seeded hours were recorded now, long after these 2023 steps: no score was in force yet.
            #expect(points.allSatisfy { $0["green_score"] == nil })
        }
    }

    @Test func groupsPerNodeAndUnplacedRack() async throws {
        try await withServer { server in
            let perNode = try await server.get("/api/v1/fleet/history?\(Self.range(from: Self.t0, to: Self.t0 + 60_000))&step=60s&group=node").json()
            let groups = try #require(perNode["groups"] as? [[String: Any]])
            #expect(groups.map { $0["name"] as? String } == ["n-a", "n-b"])
            let a = try #require((groups.first?["points"] as? [[String: Any]])?.first)
            // n-a over one minute: GPU 0 mean (300 + 310 + 330) / 3, plus GPU 1's 200.
            #expect(abs((a["power_watts"] as? Double ?? 0) - (940.0 / 3 + 200)) < 1e-9)
            #expect(a["cap_watts"] as? Double == 400)
            #expect(a["green_score"] == nil, "scores are for the fleet points only")

            // Placement comes from the agents; these nodes reported none, so one rack group without a name.
            let racks = try await server.get("/api/v1/fleet/history?\(Self.range(from: Self.t0, to: Self.t0 + 60_000))&step=60s&group=rack").json()
            let rackGroups = try #require(racks["groups"] as? [[String: Any]])
            #expect(rackGroups.count == 1)
            #expect(rackGroups.first?["name"] == nil)
            #expect(rackGroups.first?["node_ids"] as? [String] == ["n-a", "n-b"])
        }
    }

    @Test func greenScoreIsTheNewestRecordedBeforeEachStepEnds() async throws {
        try await withServer { server in
            // The seed recorded the week's hours (newest last) before the server started; on a loaded machine that
            // takes seconds. Steps just before the first was recorded, and just after the newest was.
            let recorded = try await server.store.recordedScores(region: "KR-46", fromMs: 0, toMs: .max).map(\.recordedMs)
            let first = try #require(recorded.first), last = try #require(recorded.last)
            let before = try await server.get("/api/v1/fleet/history?\(Self.range(from: first - 60_000, to: first))&step=30s")
            let beforePoints = try #require(try before.json()["points"] as? [[String: Any]])
            #expect(beforePoints.count == 2)
            #expect(
                beforePoints.allSatisfy { $0["green_score"] == nil }, "nothing was recorded before \(Timestamp.formatRFC3339Milliseconds(first))")
            let after = try await server.get("/api/v1/fleet/history?\(Self.range(from: last - 29_000, to: last + 1_000))&step=30s")
            let afterPoints = try #require(try after.json()["points"] as? [[String: Any]])
            let newest = try await server.store.gridHours(region: "KR-46", fromUTC: APITestServer.seedTo - 3600, toUTC: APITestServer.seedTo, limit: 1)
            #expect(afterPoints.count == 1)
            #expect(afterPoints.last?["green_score"] as? Double == newest.first?.greenScore)
        }
    }

    @Test func badFleetParametersAreNamed() async throws {
        try await withServer { server in
            for (query, parameter) in [
                ("step=0s", "step"), ("step=5x", "step"), ("group=shelf", "group"),
                ("\(Self.range(from: Self.t0, to: Self.t0 + 7 * 86_400_000))&step=1s", "step"),
                ("\(Self.range(from: Self.t0, to: Self.t0 + 40 * 86_400_000))", "from"),
                ("\(Self.range(from: Self.t0, to: Self.t0))", "from"),
            ] {
                let reply = try await server.get("/api/v1/fleet/history?\(query)")
                #expect(reply.status == 400, "\(query): \(reply.text)")
                #expect((try reply.json()["error"] as? String)?.contains("'\(parameter)'") == true, "\(query): \(reply.text)")
            }
        }
    }

    @Test func fleetWithoutTelemetryIs503() async throws {
        try await APITestServer.with { server in
            let reply = try await server.get("/api/v1/fleet/history")
            #expect(reply.status == 503, "\(reply.text)")
        }
    }

    @Test func forecastMatchesTheForecasterOnTheStoredHours() async throws {
        try await APITestServer.with(seed: { _ = try await APITestServer.seedGrid($0) }) { server in
            let reply = try await server.get("/api/v1/grid/forecast")
            #expect(reply.status == 200, "\(reply.text)")
            let body = try reply.json()
            #expect(body["issued"] as? String == Timestamp.formatRFC3339Milliseconds(APITestServer.seedTo * 1000))
            #expect(body["data_through"] as? String == Timestamp.formatRFC3339Milliseconds((APITestServer.seedTo - 3600) * 1000))
            let hours = try #require(body["hours"] as? [[String: Any]])
            #expect(hours.count == 48)
            #expect(hours.first?["start"] as? String == Timestamp.formatRFC3339Milliseconds(APITestServer.seedTo * 1000))
            #expect(hours.allSatisfy { $0["curtailment"] as? String == "unknown" && $0["curtailment_probability"] == nil })

            let stored = try await server.store.gridHours(region: "KR-46", fromUTC: APITestServer.seedFrom, toUTC: APITestServer.seedTo, limit: 1000)
            let history = GridHistory(
                region: "KR-46", hours: stored.map { FeedHour(region: "KR-46", startUTC: $0.startUTC, solarMW: $0.solarMW, windMW: $0.windMW) })
            let expected = try GreenForecaster().forecast(history: history, issuedUTC: APITestServer.seedTo, hours: 48)
            let scores = hours.compactMap { $0["score"] as? Double }
            #expect(scores.count == 48)
            #expect(zip(scores, expected.hours.map(\.score)).allSatisfy { abs($0 - $1) < 1e-9 }, "\(scores)")
            #expect(Set(scores.map { ($0 * 100).rounded() }).count > 5, "a day's shape, not a constant")

            let twelve = try await server.get("/api/v1/grid/forecast?hours=12").json()
            #expect((twelve["hours"] as? [Any])?.count == 12)
            #expect(try await server.get("/api/v1/grid/forecast?hours=49").status == 400)
            let unknown = try await server.get("/api/v1/grid/forecast?region=KR-11")
            #expect(unknown.status == 404)
            #expect((try unknown.json()["error"] as? String)?.contains("KR-11") == true)
        }
    }

    @Test func forecastNeedsADayOfHours() async throws {
        let seed: @Sendable (SQLiteStore) async throws -> Void = { store in
            for hour in 0..<10 {
                try await store.record(
                    SQLiteStore.GridHour(
                        region: "KR-46", startUTC: APITestServer.seedFrom + Int64(hour) * 3600, solarMW: 100, windMW: 10, greenScore: 0.2,
                        source: "replay"))
            }
        }
        try await APITestServer.with(seed: seed) { server in
            let reply = try await server.get("/api/v1/grid/forecast")
            #expect(reply.status == 404)
            #expect((try reply.json()["error"] as? String)?.contains("10 hour(s)") == true, "\(reply.text)")
        }
    }
}
