import Foundation
import GreencapTestSupport
import Testing

/// The real executables, started the way systemd starts them: with a notify socket and a watchdog.
@Suite(.serialized) struct DaemonProcessTests {
    @Test func checkConfigNamesFileLineAndKeyOfEveryError() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let bad = try directory.write(
            "bad.toml",
            """
            [node]
            id = "gj-a01-r03-n07"
            colour = "green"

            [control]
            tick = "20ms"
            """)
        let result = try Subprocess.run(try Paths.executable("greencap-agent"), ["--check-config", bad])
        #expect(result.status == 78, "EX_CONFIG; output:\n\(result.output)")
        #expect(result.output.contains("\(bad):3: key 'node.colour': unknown key"))
        #expect(result.output.contains("\(bad):6: key 'control.tick': expected a duration from 100ms to 10s"))
        #expect(result.output.contains("2 problem(s)"))

        let good = try directory.write("good.toml", "[node]\nid = \"n1\"\n")
        let ok = try Subprocess.run(try Paths.executable("greencap-agent"), ["--check-config", good])
        #expect(ok.status == 0)
        #expect(ok.output.contains("configuration is valid"))
    }

    @Test func exampleConfigsPassCheckConfig() throws {
        for (binary, file) in [("greencap-agent", "agent.example.toml"), ("greencap-collector", "collector.example.toml")] {
            let result = try Subprocess.run(try Paths.executable(binary), ["--check-config", Paths.repository + "/Config/" + file])
            #expect(result.status == 0, "\(file): \(result.output)")
        }
    }

    @Test func agentStartsReloadsRejectsBrokenConfigAndStopsCleanly() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let config = try directory.write("agent.toml", "[node]\nid = \"first\"\n[control]\ntick = \"100ms\"\n")
        let receiver = try NotifyReceiver(abstract: true)
        let agent = try Subprocess(
            try Paths.executable("greencap-agent"), ["--config", config],
            environment: ["NOTIFY_SOCKET": receiver.address, "WATCHDOG_USEC": "1000000"])

        #expect(receiver.waitFor { $0.contains("READY=1") } != nil, "READY=1 after the first tick; log:\n\(agent.text)")
        #expect(receiver.waitFor { $0 == "WATCHDOG=1" } != nil, "watchdog pings while the loop runs")
        #expect(receiver.waitFor { $0.contains("STATUS=node first") } != nil)

        // A broken file on SIGHUP: rejected with its location, the old configuration stays, the daemon lives.
        _ = try directory.write("agent.toml", "[node]\nid = \"second\"\n[control]\ntick = 7\n")
        agent.signal(SIGHUP)
        #expect(agent.waitForOutput("configuration reload rejected"), "log:\n\(agent.text)")
        #expect(agent.text.contains("\(config):4: key 'control.tick'"))
        #expect(agent.isRunning)
        _ = receiver.drain()
        Thread.sleep(forTimeInterval: 1.2)
        #expect(receiver.lastStatus?.hasPrefix("node first:") == true, "still the old node id: \(receiver.lastStatus ?? "-")")

        // A good file on SIGHUP takes effect.
        _ = try directory.write("agent.toml", "[node]\nid = \"second\"\n[control]\ntick = \"100ms\"\n")
        agent.signal(SIGHUP)
        #expect(receiver.waitFor { $0.contains("STATUS=node second:") } != nil, "log:\n\(agent.text)")

        agent.signal(SIGTERM)
        #expect(agent.wait(timeout: .seconds(15)) == 0, "SIGTERM drains and exits 0; log:\n\(agent.text)")
        #expect(receiver.lines.contains("STOPPING=1"))
        #expect(agent.text.contains("stopped cleanly"))
    }

    @Test func agentWithBrokenConfigRefusesToStart() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let config = try directory.write("agent.toml", "[nod]\nid = \"x\"\n")
        let result = try Subprocess.run(try Paths.executable("greencap-agent"), ["--config", config])
        #expect(result.status == 78)
        #expect(result.output.contains("\(config):1: key 'nod': unknown key"))
        #expect(result.output.contains("key 'node.id': required key is missing"))
    }

    @Test func collectorReplaysIntoSQLiteAndStopsCleanly() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let database = directory.path + "/collector.sqlite"
        let config = try directory.write(
            "collector.toml",
            """
            [http]
            # A free port: tests and demos run beside each other and beside whatever holds 8080.
            listen = "127.0.0.1:0"
            [storage]
            path = "\(database)"
            [grid]
            source = "replay"
            [grid.replay]
            file = "\(Paths.jeonnamCSV)"
            speed = 36000
            start = "2023-06-03T00:00:00+09:00"
            """)
        let receiver = try NotifyReceiver(abstract: false)
        let collector = try Subprocess(
            try Paths.executable("greencap-collector"), [config],
            environment: ["NOTIFY_SOCKET": receiver.address, "WATCHDOG_USEC": "1000000"])
        #expect(receiver.waitFor { $0.contains("READY=1") } != nil, "log:\n\(collector.text)")
        #expect(receiver.waitFor { $0.contains("STATUS=grid KR-46 replay 2023-06-03 2") } != nil, "10 simulated hours a second")
        #expect(receiver.waitFor { $0 == "WATCHDOG=1" } != nil)
        collector.signal(SIGTERM)
        #expect(collector.wait(timeout: .seconds(15)) == 0, "log:\n\(collector.text)")
        #expect(receiver.lines.contains("STOPPING=1"))

        // The hours are in the file, read back by the sqlite3 shell: 2023-06-03 13:00 KST is the year's solar
        // peak, so its supply score is the ceiling (0.8; only curtailment scores 1).
        let shell = try Subprocess.run(
            "/usr/bin/env",
            ["sqlite3", database, "SELECT round(solar_mw), green_score FROM grid_hour WHERE start_utc = 1685764800;"])
        #expect(shell.output.hasPrefix("1926.0|0.8"), "\(shell.output)")
    }

    @Test func sigtermDuringStartupStillExitsCleanly() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let config = try directory.write("agent.toml", "[node]\nid = \"n1\"\n")
        let agent = try Subprocess(try Paths.executable("greencap-agent"), [config])
        #expect(agent.waitForOutput("starting"))
        agent.signal(SIGTERM)
        #expect(agent.wait(timeout: .seconds(15)) == 0, "log:\n\(agent.text)")
    }
}

@Suite struct CollectorStartupFaultTests {
    @Test func missingReplayFileIsAConfigurationErrorNotARestartLoop() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let config = try directory.write(
            "collector.toml",
            """
            [http]
            # A free port: tests and demos run beside each other and beside whatever holds 8080.
            listen = "127.0.0.1:0"
            [storage]
            path = "\(directory.path)/c.sqlite"
            [grid]
            source = "replay"
            [grid.replay]
            file = "\(directory.path)/missing.csv"
            """)
        let check = try Subprocess.run(try Paths.executable("greencap-collector"), ["--check-config", config])
        #expect(check.status == 78, "\(check.output)")
        #expect(check.output.contains("cannot read grid replay file \(directory.path)/missing.csv"))

        let start = try Subprocess.run(try Paths.executable("greencap-collector"), [config])
        #expect(start.status == 78, "exit 78 is in RestartPreventExitStatus: \(start.output)")
    }

    @Test func replayStartOutsideTheDataIsRejectedByCheckConfig() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let config = try directory.write(
            "collector.toml",
            """
            [grid]
            source = "replay"
            [grid.replay]
            file = "\(Paths.jeonnamCSV)"
            start = "2019-01-01T00:00:00+09:00"
            """)
        let check = try Subprocess.run(try Paths.executable("greencap-collector"), ["--check-config", config])
        #expect(check.status == 78)
        #expect(check.output.contains("outside the file's data (2023-03-01 00:00 to 2024-01-01 00:00 KST)"), "\(check.output)")
    }
}
