import Foundation
import GreencapTestSupport
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
