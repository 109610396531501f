import Foundation
import GreencapCore
import GreencapTestSupport
import Grid
import GridLive
import Logging
import Testing

/// The real `greencap-collector` with `grid.source = "live"` against the replay server: it polls, stores
/// records in SQLite (read back with the sqlite3 shell), reports in its STATUS, and stops cleanly.
@Suite(.serialized) struct CollectorLiveSystemTests {
    @Test func collectorPollsLiveSourcesIntoSQLite() async throws {
        let rig = try LiveRig(now: "2024-05-01T03:20:00Z")
        defer { rig.stop() }
        let database = rig.directory.path + "/collector.sqlite"
        let config = try rig.directory.write(
            "collector.toml",
            """
            [http]
            # A free port: tests and demos run beside each other and beside whatever holds 8080.
            listen = "127.0.0.1:0"
            [storage]
            path = "\(database)"

            [grid]
            source = "live"

            [[grid.live.source]]
            api = "sumperfuel5m"
            base_url = "\(rig.server.base)"
            key_file = "\(rig.keyFile)"
            data_type = "xml"

            [[grid.live.source]]
            api = "greencap-json"
            name = "mirror"
            url = "\(rig.server.root)/feeds/kr46.json"
            region = "KR-46"
            """)
        let receiver = try NotifyReceiver(abstract: true)
        let collector = try Subprocess(
            try Paths.executable("greencap-collector"), [config], environment: ["NOTIFY_SOCKET": receiver.address])
        #expect(receiver.waitFor { $0.contains("READY=1") } != nil, "log:\n\(collector.text)")
        #expect(receiver.waitFor { $0.contains("sumperfuel5m ok 3 stored") && $0.contains("mirror ok 3 stored") } != nil, "log:\n\(collector.text)")
        collector.signal(SIGTERM)
        #expect(collector.wait(timeout: .seconds(15)) == 0, "log:\n\(collector.text)")
        #expect(collector.text.contains("grid live polling stopped"))

        let shell = try Subprocess.run(
            "/usr/bin/env",
            [
                "sqlite3", database,
                "SELECT source, count(*), min(interval_s), max(solar_mw), min(kind), max(quality) FROM feed_record GROUP BY source ORDER BY source;",
            ])
        #expect(
            shell.output == "greencap-json:mirror-gwangju|3|3600|1710.5|actual|partial\nkpx:sumperfuel5m|3|300|15237.5|actual|good\n",
            "\(shell.output)")
        let quota = try String(contentsOfFile: rig.directory.path + "/grid-live/quota.json", encoding: .utf8)
        #expect(quota.contains("\"calls\" : 1"), "the call is counted in the state directory beside the store:\n\(quota)")
        let requests = try await rig.server.requests()
        #expect(requests.contains { $0.path.hasSuffix("getSumperfuel5m") && $0.keyOK && $0.query["numOfRows"] == "300" })
    }

    /// Readings of the last hours, as a site feed would serve them now, become scored green hours in
    /// `grid_hour` and the score in force that every grant carries (GET /api/v1/status shows it).
    @Test func liveReadingsBecomeScoredGreenHours() async throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let now = Int64(Date().timeIntervalSince1970)
        let thisHour = now - now % 3600
        func time(_ seconds: Int64) -> String { Timestamp.formatRFC3339(seconds) }
        // Five finished hours read hourly (the fourth curtailed), the last finished hour as twelve 5-minute
        // readings averaging 1200 MW of solar, and the hour under way (not final: left for later).
        var records: [String] = []
        for (back, solar) in zip([6, 5, 4, 3, 2], [100.0, 400, 900, 1500, 1300]) {
            let curtailment = back == 3 ? "active" : "none"
            records.append(
                #"{"start": "\#(time(thisHour - Int64(back) * 3600))", "minutes": 60, "solar_mw": \#(solar), "wind_mw": 50, "curtailment": "\#(curtailment)", "kind": "actual"}"#)
        }
        for index in 0..<12 {
            records.append(
                #"{"start": "\#(time(thisHour - 3600 + Int64(index) * 300))", "minutes": 5, "solar_mw": \#(index % 2 == 0 ? 1000 : 1400), "wind_mw": 50, "curtailment": "none", "kind": "actual"}"#)
        }
        records.append(#"{"start": "\#(time(thisHour))", "minutes": 5, "solar_mw": 5000, "wind_mw": 50, "curtailment": "none", "kind": "actual"}"#)
        for folder in ["feeds", "keys"] {
            try FileManager.default.createDirectory(atPath: directory.path + "/" + folder, withIntermediateDirectories: true)
        }
        _ = try directory.write(
            "feeds/site.json",
            #"{"format": "greencap-feed/1", "region": "KR-46", "issued": "\#(time(now))", "source": "site-meter", "records": [\#(records.joined(separator: ","))]}"#)
        let server = try ReplayServer(root: directory.path)
        defer { server.stop() }
        let database = directory.path + "/collector.sqlite"
        let config = try directory.write(
            "collector.toml",
            """
            [http]
            listen = "127.0.0.1:0"
            [ingest]
            enabled = true
            listen = "127.0.0.1:0"
            keys_dir = "\(directory.path)/keys"
            [storage]
            path = "\(database)"
            [grid]
            source = "live"
            region = "KR-46"
            [[grid.live.source]]
            api = "greencap-json"
            name = "site"
            url = "\(server.root)/feeds/site.json"
            region = "KR-46"
            """)
        let collector = try Subprocess(try Paths.executable("greencap-collector"), [config])
        defer { collector.signal(SIGTERM) }
        #expect(await collector.awaitOutput("grid hours rolled up from live readings", timeout: .seconds(20)), "log:\n\(collector.text)")

        let rows = try Subprocess.run(
            "/usr/bin/env", ["sqlite3", database, "SELECT start_utc, solar_mw, wind_mw, round(green_score, 4), source FROM grid_hour ORDER BY start_utc"])
        let hours = rows.output.split(separator: "\n").map { $0.split(separator: "|").map(String.init) }
        #expect(hours.map { Int64($0[0]) } == (1...6).reversed().map { thisHour - Int64($0) * 3600 }, "\(rows.output)")
        #expect(hours.allSatisfy { $0[4] == "live" }, "\(rows.output)")
        #expect(hours.last?[1] == "1200.0", "the 5-minute readings' mean: \(rows.output)")
        // The replay's and the forecast's score: each hour against the trailing window (here these six hours),
        // 1 for the curtailed one.
        let scores = hours.map { Double($0[3]) ?? -1 }
        var expected = GreenScorer().supplyScores([150, 450, 950, 1550, 1350, 1250])
        expected[3] = 1
        #expect(scores == expected.map { ($0 * 10_000).rounded() / 10_000 }, "\(rows.output)")

        guard let range = collector.text.range(of: "http listening"),
            let portRange = collector.text[range.upperBound...].range(of: "port="),
            let port = Int(collector.text[portRange.upperBound...].prefix { $0.isNumber })
        else { throw TestFailure("no http port in:\n\(collector.text)") }
        let status = try await HTTPClientTransport(logger: Logger(label: "test")).get(url: "http://127.0.0.1:\(port)/api/v1/status", timeout: .seconds(5))
        let body = (try? JSONSerialization.jsonObject(with: Data(status.body)) as? [String: Any]) ?? ["raw": String(decoding: status.body, as: UTF8.self), "status": status.status]
        #expect((body["green_score"] as? Double).map { ($0 * 10_000).rounded() / 10_000 } == scores[5], "\(body)")
        // As of the end of the hour it describes, so agents judge the feed's age by the data, not the roll-up.
        #expect(body["green_score_updated"] as? String == time(thisHour).replacingOccurrences(of: "Z", with: ".000Z"), "\(body)")
    }

    @Test func checkConfigLocatesLiveSourceMistakes() throws {
        let rig = try LiveRig(now: "2024-05-01T03:20:00Z")
        defer { rig.stop() }
        let bad = try rig.directory.write(
            "bad.toml",
            """
            [grid]
            source = "live"

            [[grid.live.source]]
            api = "sumperfuel5m"
            region = "KR-46"

            [[grid.live.source]]
            api = "pv-by-reg"
            key_file = "/etc/greencap/kpx.key"

            [[grid.live.source]]
            api = "greencap-json"
            url = "ftp://mirror/feed.json"
            key_file = "/x"
            every = "5 minutes"
            """)
        let result = try Subprocess.run(try Paths.executable("greencap-collector"), ["--check-config", bad])
        #expect(result.status == 78, "\(result.output)")
        #expect(result.output.contains("\(bad):4: key 'grid.live.source[1].key_file': required key is missing"), "\(result.output)")
        #expect(result.output.contains("\(bad):6: key 'grid.live.source[1].region': sumperfuel5m covers KR only"))
        #expect(result.output.contains("\(bad):9: key 'grid.live.source[2].api': expected one of \"sumperfuel5m\", \"pv-by-region\""))
        #expect(result.output.contains("\(bad):14: key 'grid.live.source[3].url': expected an http:// or https:// URL"))
        #expect(result.output.contains("\(bad):15: key 'grid.live.source[3].key_file': not used for api = \"greencap-json\""))
        #expect(result.output.contains("\(bad):16: key 'grid.live.source[3].every': expected a duration"))

        // A world-readable key file is refused by --check-config, at the key_file line.
        chmod(rig.keyFile, 0o644)
        let open = try rig.directory.write(
            "open.toml",
            """
            [grid]
            source = "live"
            [[grid.live.source]]
            api = "jeju-5m"
            key_file = "\(rig.keyFile)"
            """)
        let refused = try Subprocess.run(try Paths.executable("greencap-collector"), ["--check-config", open])
        #expect(refused.status == 78)
        #expect(refused.output.contains("\(open):5: key 'grid.live.source[1].key_file': service key file \(rig.keyFile): every user"), "\(refused.output)")
        chmod(rig.keyFile, 0o600)
        #expect(try Subprocess.run(try Paths.executable("greencap-collector"), ["--check-config", open]).status == 0)
    }
}
