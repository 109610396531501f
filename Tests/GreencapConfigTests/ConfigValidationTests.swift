import GreencapConfig
import GreencapTestSupport
import Testing

@Suite struct ConfigValidationTests {
    @Test func exampleAgentConfigIsValid() throws {
        let config = try AgentConfig.load(path: Paths.repository + "/Config/agent.example.toml")
        #expect(config.node.id == "gj-a01-r03-n07")
        #expect(AgentConfig.tickRange.contains(config.tick))
    }

    @Test func exampleCollectorConfigIsValid() throws {
        _ = try CollectorConfig.load(path: Paths.repository + "/Config/collector.example.toml")
    }

    @Test func minimalAgentConfigTakesDefaults() throws {
        let config = try AgentConfig.load(path: "mem.toml", text: "[node]\nid = \"gj-a01-r03-n07\"\n")
        #expect(config.node.id == "gj-a01-r03-n07")
        #expect(config.tick == .seconds(1))
        #expect(config.log.level == .info)
    }

    @Test func everyIssueIsReportedWithFileLineAndKey() {
        let text = """
            [node]
            id = "n1"
            colour = "green"

            [control]
            tick = 5
            speed = "fast"

            [log]
            level = "loud"
            """
        do {
            _ = try AgentConfig.load(path: "/etc/greencap/agent.toml", text: text)
            Issue.record("a broken file was accepted")
        } catch {
            let lines = error.issues.map(\.description)
            #expect(lines.count == 4, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("/etc/greencap/agent.toml:3: key 'node.colour': unknown key") })
            #expect(lines.contains { $0.hasPrefix("/etc/greencap/agent.toml:6: key 'control.tick': expected a duration") && $0.contains("found integer 5") })
            #expect(lines.contains { $0.hasPrefix("/etc/greencap/agent.toml:7: key 'control.speed': unknown key") })
            #expect(lines.contains { $0.hasPrefix("/etc/greencap/agent.toml:10: key 'log.level': expected one of") && $0.contains("\"loud\"") })
            #expect(error.issues.map { $0.line ?? 0 } == [3, 6, 7, 10], "issues come in file order")
        }
    }

    @Test func missingNodeIdIsNamed() {
        #expect {
            _ = try AgentConfig.load(path: "a.toml", text: "[control]\ntick = \"1s\"\n")
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.issues.contains { $0.key == "node.id" && $0.problem.contains("required key is missing") }
        }
    }

    @Test(arguments: ["99ms", "11s", "1 fortnight", "-1s", ""])
    func tickOutOfRangeOrMalformedIsRejected(tick: String) {
        #expect(throws: ConfigError.self) {
            _ = try AgentConfig.load(path: "a.toml", text: "[node]\nid = \"n\"\n[control]\ntick = \"\(tick)\"\n")
        }
    }

    @Test(arguments: [("100ms", 100), ("250ms", 250), ("1s", 1000), ("1.5s", 1500), ("10s", 10_000)])
    func tickAcceptsUnits(tick: String, milliseconds: Int64) throws {
        let config = try AgentConfig.load(path: "a.toml", text: "[node]\nid = \"n\"\n[control]\ntick = \"\(tick)\"\n")
        #expect(config.tick == .milliseconds(milliseconds))
    }

    @Test func badNodeNamesAreRejected() {
        #expect(throws: ConfigError.self) { _ = try AgentConfig.load(path: "a.toml", text: "[node]\nid = \"n 1/evil\"\n") }
        #expect(throws: ConfigError.self) { _ = try AgentConfig.load(path: "a.toml", text: "[node]\nid = \"\"\n") }
    }

    @Test func syntaxErrorsNameFileLineAndColumn() {
        do {
            _ = try AgentConfig.load(path: "agent.toml", text: "[node]\nid = \"n1\n")
            Issue.record("accepted")
        } catch {
            #expect(error.description.hasPrefix("agent.toml:2:"), "\(error)")
        }
    }

    @Test func tableWhereValueExpectedIsATypeError() {
        do {
            _ = try AgentConfig.load(path: "a.toml", text: "node = \"n1\"\n")
            Issue.record("accepted")
        } catch {
            #expect(error.issues.contains { $0.key == "node" && $0.line == 1 && $0.problem.contains("expected a table") })
        }
    }

    @Test func collectorReplayNeedsAFileAndValidStart() {
        do {
            _ = try CollectorConfig.load(
                path: "c.toml",
                text: "[grid]\nsource = \"replay\"\n[grid.replay]\nspeed = 0\nstart = \"yesterday\"\n")
            Issue.record("accepted")
        } catch {
            let keys = error.issues.map(\.key)
            #expect(keys.contains("grid.replay.file"))
            #expect(keys.contains("grid.replay.speed"))
            #expect(keys.contains("grid.replay.start"))
        }
    }

    @Test func unreadableFileIsNamed() {
        do {
            _ = try AgentConfig.load(path: "/nonexistent/agent.toml")
            Issue.record("accepted")
        } catch {
            #expect(error.description.contains("/nonexistent/agent.toml"))
            #expect(error.description.contains("No such file"))
        }
    }
}

@Suite struct GPUSettingsTests {
    @Test func defaultsAndEveryKey() throws {
        let defaults = try AgentConfig.load(path: "a.toml", text: "[node]\nid = \"n1\"\n")
        #expect(defaults.gpu == GPUSettings())
        #expect(defaults.gpu.writes == .enforce && defaults.gpu.enabled && defaults.gpu.nvmlLibrary == nil)
        let config = try AgentConfig.load(
            path: "a.toml",
            text: """
                [node]
                id = "n1"
                [gpu]
                enabled = false
                nvml_library = "/opt/sim/libgreencap-nvml-sim.so"
                writes = "dry-run"
                rediscover = "5s"
                """)
        #expect(!config.gpu.enabled)
        #expect(config.gpu.nvmlLibrary == "/opt/sim/libgreencap-nvml-sim.so")
        #expect(config.gpu.writes == .dryRun)
        #expect(config.gpu.rediscover == .seconds(5))
    }

    @Test func badGPUKeysNameTheirLine() {
        #expect {
            _ = try AgentConfig.load(
                path: "a.toml",
                text: "[node]\nid = \"n1\"\n[gpu]\nwrites = \"sometimes\"\nrediscover = \"1h\"\nnvml_library = \"\"\nbatch = true\n")
        } throws: { error in
            let text = (error as? ConfigError)?.issues.map(\.description).joined(separator: "\n") ?? ""
            return text.contains("a.toml:4: key 'gpu.writes'") && text.contains("a.toml:5: key 'gpu.rediscover'")
                && text.contains("a.toml:6: key 'gpu.nvml_library'") && text.contains("a.toml:7: key 'gpu.batch': unknown key")
        }
    }
}
