import GreencapConfig
import GreencapCore
import Testing

/// `[api]`: defaults, every key, and errors at file:line:key.
@Suite struct APISettingsTests {
    @Test func absentMeansNoTokensAndDefaultBounds() throws {
        let config = try CollectorConfig.load(path: "mem.toml", text: "")
        #expect(config.api.tokensFile == nil)
        #expect(config.api.maxLease == .seconds(7 * 86400))
        #expect(config.api.nodeFloor == Milliwatts(2_000_000) && config.api.nodeCeiling == Milliwatts(20_000_000))
    }

    @Test func readsEveryKey() throws {
        let config = try CollectorConfig.load(
            path: "mem.toml",
            text: """
                [api]
                tokens_file = "/etc/greencap/tokens.toml"
                max_lease = "24h"
                node_floor = "1.5 kW"
                node_ceiling = "12 kW"
                """)
        #expect(config.api.tokensFile == "/etc/greencap/tokens.toml")
        #expect(config.api.maxLease == .seconds(86400))
        #expect(config.api.nodeFloor == Milliwatts(1_500_000) && config.api.nodeCeiling == Milliwatts(12_000_000))
    }

    @Test func errorsNameFileLineAndKey() throws {
        do {
            _ = try CollectorConfig.load(
                path: "mem.toml",
                text: """
                    [api]
                    tokens_file = ""
                    max_lease = "10s"
                    node_floor = "30 kW"
                    node_ceiling = "20 kW"
                    token_file = "/x"
                    """)
            Issue.record("accepted a broken [api]")
        } catch {
            let lines = error.issues.map(\.description)
            #expect(lines.contains { $0.hasPrefix("mem.toml:2: key 'api.tokens_file'") }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("mem.toml:3: key 'api.max_lease'") }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("mem.toml:5: key 'api.node_ceiling': must be above node_floor") }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("mem.toml:6: key 'api.token_file'") }, "\(lines)")
        }
    }
}
