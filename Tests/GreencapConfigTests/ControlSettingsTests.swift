import GreencapConfig
import GreencapCore
import Testing

@Suite struct ControlSettingsTests {
    @Test func powersCarryTheirUnit() {
        #expect(parsePower("5600 W") == .watts(5600))
        #expect(parsePower("5.6 kW") == .watts(5600))
        #expect(parsePower("750W") == .watts(750))
        #expect(parsePower("0.2 MW") == .watts(200_000))
        #expect(parsePower("1500 mW") == Milliwatts(1500))
        for bad in ["5600", "-5 W", "kW", "five W", "nan W", "1e30 W"] { #expect(parsePower(bad) == nil, "\(bad)") }
    }

    @Test func theControllerRunsOnlyWithASafeCap() throws {
        let sampling = try AgentConfig.load(path: "a.toml", text: "[node]\nid = \"n\"\n")
        #expect(!sampling.control.enabled)
        let capping = try AgentConfig.load(path: "a.toml", text: "[node]\nid = \"n\"\n[control]\nsafe_cap = \"4 kW\"\n")
        #expect(capping.control.enabled && capping.control.safeCap == .watts(4000))
        #expect(capping.control.effectiveEmergencyCap == .watts(2400), "60 % of the safe cap by default")
        #expect(capping.control.onStop == .keepCaps)
        let off = try AgentConfig.load(path: "a.toml", text: "[node]\nid = \"n\"\n[control]\nsafe_cap = \"4 kW\"\nenabled = false\n")
        #expect(!off.control.enabled)
    }

    @Test func everySettingIsRead() throws {
        let config = try AgentConfig.load(path: "a.toml", text: """
            [node]
            id = "n"
            [control]
            tick = "500ms"
            safe_cap = "5600 W"
            emergency_cap = "3000 W"
            non_gpu_estimate = "1.1 kW"
            pdu_implausible_above = "12 kW"
            raise_rate = "500 W"
            raise_jitter = "30s"
            mains_stable_hold = "2m"
            feed_stale_after = "90m"
            on_stop = "restore-defaults"
            policy_file = "/var/lib/greencap/policy.json"
            audit_file = "/var/log/greencap/audit.jsonl"
            audit_file_limit_mib = 4
            pdu = "pdu-a"
            ups = "ups-a"
            [[modbus.bus]]
            name = "b"
            tcp = "10.0.0.1"
            [[modbus.bus.device]]
            name = "pdu-a"
            profile = "raritan-px3"
            [[modbus.bus.device]]
            name = "ups-a"
            profile = "apc-smart-ups"
            """)
        let control = config.control
        #expect(control.tick == .milliseconds(500) && config.tick == .milliseconds(500))
        #expect(control.emergencyCap == .watts(3000) && control.nonGPUEstimate == .watts(1100))
        #expect(control.pduImplausibleAbove == .watts(12_000) && control.raiseRate == .watts(500))
        #expect(control.raiseJitter == .seconds(30) && control.mainsStableHold == .seconds(120) && control.feedStaleAfter == .seconds(5400))
        #expect(control.onStop == .restoreDefaults && control.auditFileLimitBytes == 4 << 20)
        #expect(control.policyFile == "/var/lib/greencap/policy.json" && control.auditFile == "/var/log/greencap/audit.jsonl")
        #expect(control.pduDevice == "pdu-a" && control.upsDevice == "ups-a")
    }

    @Test func mistakesNameTheLineAndKey() {
        let text = """
            [node]
            id = "n"
            [control]
            enabled = true
            emergency_cap = "6000"
            raise_rate = "-1 W"
            on_stop = "uncap"
            pdu = "pdu-x"
            """
        do {
            _ = try AgentConfig.load(path: "/etc/greencap/agent.toml", text: text)
            Issue.record("a broken file was accepted")
        } catch {
            let lines = error.issues.map(\.description).joined(separator: "\n")
            #expect(lines.contains("/etc/greencap/agent.toml:5: key 'control.emergency_cap': expected a power"), "\(lines)")
            #expect(lines.contains(":6: key 'control.raise_rate'"), "\(lines)")
            #expect(lines.contains(":7: key 'control.on_stop'"), "\(lines)")
            #expect(lines.contains(":8: key 'control.pdu': names Modbus device \"pdu-x\", which no [[modbus.bus.device]] defines"), "\(lines)")
            #expect(lines.contains("key 'control.safe_cap'"), "enabled without a safe cap: \(lines)")
        }
    }

    @Test func emergencyAboveSafeIsRefused() {
        #expect(throws: ConfigError.self) {
            try AgentConfig.load(path: "a.toml", text: "[node]\nid = \"n\"\n[control]\nsafe_cap = \"4 kW\"\nemergency_cap = \"5 kW\"\n")
        }
    }
}
