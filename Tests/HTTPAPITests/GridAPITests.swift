import Collector
import Foundation
import GreencapCore
import Grid
import Testing

@Suite struct GridAPITests {
    @Test func stateIsTheNewestStoredHour() async throws {
        try await APITestServer.with(seed: { _ = try await APITestServer.seedGrid($0) }) { server in
            let reply = try await server.get("/api/v1/grid/state")
            #expect(reply.status == 200)
            #expect(reply.contentType.hasPrefix("application/json"))
            let hours = try #require(try reply.json()["hours"] as? [[String: Any]])
            #expect(hours.count == 1)
            #expect(hours.first?["region"] as? String == "KR-46")
            #expect(hours.first?["start"] as? String == "2023-05-07T23:00:00.000Z")
            #expect(hours.first?["source"] as? String == "replay")
            #expect(hours.first?["green_score"] is Double && hours.first?["solar_mw"] is Double)
        }
    }

    @Test func stateWithoutHoursSaysWhatToConfigure() async throws {
        try await APITestServer.with { server in
            let reply = try await server.get("/api/v1/grid/state")
            #expect(reply.status == 404)
            #expect((try reply.json()["hint"] as? String)?.contains("[grid] source") == true)
        }
    }

    @Test func hoursInARangeMatchTheStore() async throws {
        try await APITestServer.with(seed: { _ = try await APITestServer.seedGrid($0) }) { server in
            let stored = try await server.store.gridHours(
                region: "KR-46", fromUTC: APITestServer.seedFrom, toUTC: APITestServer.seedFrom + 6 * 3600, limit: 100)
            let reply = try await server.get("/api/v1/grid/hours?from=2023-05-01T00:00:00Z&to=2023-05-01T06:00:00Z")
            #expect(reply.status == 200)
            let body = try reply.json()
            let hours = try #require(body["hours"] as? [[String: Any]])
            #expect(hours.count == 6)
            #expect(close(hours.map { $0["green_score"] as? Double ?? -1 }, stored.map(\.greenScore)))
            #expect(hours.first?["start"] as? String == "2023-05-01T00:00:00.000Z")
            #expect(hours.first?["end"] as? String == "2023-05-01T01:00:00.000Z")
            #expect(body["truncated"] as? Bool == false)

            // KST offsets are accepted; limit cuts and says so.
            let limited = try await server.get("/api/v1/grid/hours?from=2023-05-01T09:00:00%2B09:00&to=2023-05-02T00:00:00Z&limit=3")
            let limitedBody = try limited.json()
            #expect((limitedBody["hours"] as? [Any])?.count == 3)
            #expect(limitedBody["truncated"] as? Bool == true)
        }
    }

    @Test(arguments: [
        ("/api/v1/grid/hours?from=yesterday", "'from'"),
        ("/api/v1/grid/hours?from=2023-05-02T00:00:00Z&to=2023-05-01T00:00:00Z", "'from'"),
        ("/api/v1/grid/hours?limit=0", "'limit'"),
        ("/api/v1/grid/windows?duration=6x", "'duration'"),
        ("/api/v1/grid/windows?duration=50h&within=48h", "'duration'"),
        ("/api/v1/grid/windows?count=-1", "'count'"),
    ])
    func badParametersAreNamed(path: String, parameter: String) async throws {
        try await APITestServer.with { server in
            let reply = try await server.get(path)
            #expect(reply.status == 400, "\(path): \(reply.text)")
            let body = try reply.json()
            #expect((body["error"] as? String)?.contains(parameter) == true, "\(reply.text)")
            #expect(body["hint"] is String)
        }
    }

    @Test func windowsAreJobWindowsOverStoredScores() async throws {
        let seeded = LockedBox<[SQLiteStore.GridHour]>([])
        try await APITestServer.with(seed: { seeded.value = try await APITestServer.seedGrid($0) }) { server in
            let reply = try await server.get("/api/v1/grid/windows?duration=6h&count=3&within=48h&from=2023-05-02T00:00:00Z")
            #expect(reply.status == 200, "\(reply.text)")
            let body = try reply.json()
            #expect(body["input"] as? String == "stored-grid-hours")
            let windows = try #require(body["windows"] as? [[String: Any]])

            let from = APITestServer.seedFrom + 24 * 3600
            let input = seeded.value.filter { $0.startUTC >= from && $0.startUTC < from + 48 * 3600 }.map {
                ForecastHour(startUTC: $0.startUTC, score: $0.greenScore, curtailmentProbability: nil, supplyScore: $0.greenScore, curtailment: .none)
            }
            let expected = try JobWindows.best(forecast: input, durationHours: 6, count: 3)
            #expect(windows.count == 3)
            #expect(windows.map { $0["start"] as? String } == expected.map { Timestamp.formatRFC3339Milliseconds($0.startUTC * 1000) })
            #expect(close(windows.map { $0["mean_score"] as? Double ?? -1 }, expected.map(\.meanScore)))
            #expect(windows.first?["hours"] as? Int == 6)
        }
    }

    @Test func windowsDoNotSpanMissingHours() async throws {
        try await APITestServer.with(seed: { store in
            // Two 3-hour runs with a gap: a 4-hour job fits neither, a 3-hour job picks the greener run.
            for (offset, score) in [(0, 0.1), (1, 0.1), (2, 0.1), (4, 0.9), (5, 0.9), (6, 0.9)] {
                try await store.record(
                    SQLiteStore.GridHour(
                        region: "KR-46", startUTC: APITestServer.seedFrom + Int64(offset) * 3600, solarMW: 1, windMW: nil, greenScore: score,
                        source: "test"))
            }
        }) { server in
            let none = try await server.get("/api/v1/grid/windows?duration=4h&within=12h&from=2023-05-01T00:00:00Z")
            #expect(none.status == 404, "\(none.text)")
            let three = try await server.get("/api/v1/grid/windows?duration=3h&count=1&within=12h&from=2023-05-01T00:00:00Z")
            let windows = try #require(try three.json()["windows"] as? [[String: Any]])
            #expect(windows.first?["start"] as? String == "2023-05-01T04:00:00.000Z")
        }
    }
}

/// Equal to within float noise: Foundation's JSON parser on Linux can be one ulp off the shortest
/// representation the encoder wrote.
func close(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) }
}

/// Carries a value out of a `@Sendable` seeding closure.
final class LockedBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
