import GreencapConfig
import GreencapCore
import Testing

/// `[grid.replay] timeline` and `[grid] site_floor` / `site_ceiling`: accepted when meaningful, and every
/// mistake named by file, line and key.
@Suite struct GridTimelineConfigTests {
    static let replay = """
        [grid]
        source = "replay"
        [grid.replay]
        file = "/data/jeonnam.csv"
        """

    func issues(_ text: String) -> [String] {
        do {
            _ = try CollectorConfig.load(path: "c.toml", text: text)
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }

    @Test func timelineNowWithLoopOffAndASiteBudgetAreRead() throws {
        let config = try CollectorConfig.load(
            path: "c.toml",
            text: Self.replay + "\nloop = false\ntimeline = \"now\"\n")
        #expect(config.grid.replay?.timeline == .now)
        #expect(try CollectorConfig.load(path: "c.toml", text: Self.replay).grid.replay?.timeline == .recorded)
        let budget = try CollectorConfig.load(path: "c.toml", text: "[grid]\nsite_floor = \"300 kW\"\nsite_ceiling = \"0.6 MW\"\n")
        #expect(budget.grid.siteFloor == Milliwatts(300_000_000) && budget.grid.siteCeiling == Milliwatts(600_000_000))
    }

    @Test func timelineNowMustNotLoop() {
        let found = issues(Self.replay + "\ntimeline = \"now\"\n")
        #expect(found.count == 1 && found[0].hasPrefix("c.toml:5: key 'grid.replay.timeline':") && found[0].contains("loop = false"), "\(found)")
        let unknown = issues(Self.replay + "\nloop = false\ntimeline = \"tomorrow\"\n")
        #expect(unknown.count == 1 && unknown[0].hasPrefix("c.toml:6: key 'grid.replay.timeline': expected one of"), "\(unknown)")
    }

    @Test func siteBudgetNeedsBothEndsInOrder() {
        let half = issues("[grid]\nsite_floor = \"300 kW\"\n")
        #expect(half.count == 1 && half[0].hasPrefix("c.toml:2: key 'grid.site_floor':") && half[0].contains("give both"), "\(half)")
        let backwards = issues("[grid]\nsite_floor = \"300 kW\"\nsite_ceiling = \"200 kW\"\n")
        #expect(backwards.count == 1 && backwards[0].hasPrefix("c.toml:3: key 'grid.site_ceiling': must be at least site_floor"), "\(backwards)")
        let unitless = issues("[grid]\nsite_floor = 300\nsite_ceiling = \"600 kW\"\n")
        #expect(unitless.count == 1 && unitless[0].hasPrefix("c.toml:2: key 'grid.site_floor': expected a power"), "\(unitless)")
    }
}
