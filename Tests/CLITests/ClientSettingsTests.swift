import Foundation
import GreencapCore
import GreencapTestSupport
import Testing

/// Where the CLI finds the collector and its token: flags > environment > config file > default, each said
/// in --verbose. Against a port nothing listens on, so every run ends in exit 69 after printing its sources.
@Suite("greencap: collector address and token resolution")
struct ClientSettingsTests {
    @Test("flags beat the environment, the environment beats the config file, each source named")
    func precedence() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let cli = try GreencapCLI(directory: directory)
        let filePort = try #require(LoopbackPort.unused())
        let tokenFile = try directory.write("token", "gct_from_file\n")
        try cli.writeConfig("collector = \"http://127.0.0.1:\(filePort)\"\ntoken_file = \"\(tokenFile)\"\n")

        let fromFile = try cli.run(["status", "--verbose"])
        #expect(fromFile.status == 69, "\(fromFile.output)")
        #expect(fromFile.output.contains("collector http://127.0.0.1:\(filePort) from \(cli.configHome)/greencap/config.toml (collector)"), "\(fromFile.output)")
        #expect(fromFile.output.contains("token from \(cli.configHome)/greencap/config.toml (token_file = \"\(tokenFile)\")"), "\(fromFile.output)")
        #expect(fromFile.output.contains("cannot reach the collector at http://127.0.0.1:\(filePort)"), "\(fromFile.output)")
        #expect(!fromFile.output.contains("gct_from_file"), "the token itself is never printed")

        let environmentPort = try #require(LoopbackPort.unused())
        let fromEnvironment = try cli.run(
            ["status", "--verbose"], environment: ["GREENCAP_COLLECTOR": "127.0.0.1:\(environmentPort)", "GREENCAP_TOKEN": "gct_env"])
        #expect(fromEnvironment.status == 69)
        #expect(fromEnvironment.output.contains("collector http://127.0.0.1:\(environmentPort) from environment GREENCAP_COLLECTOR"), "\(fromEnvironment.output)")
        #expect(fromEnvironment.output.contains("token from environment GREENCAP_TOKEN"), "\(fromEnvironment.output)")

        let flagPort = try #require(LoopbackPort.unused())
        let fromFlags = try cli.run(
            ["caps", "list", "--verbose", "--collector", "http://127.0.0.1:\(flagPort)/", "--token-file", tokenFile],
            environment: ["GREENCAP_COLLECTOR": "127.0.0.1:\(environmentPort)", "GREENCAP_TOKEN": "gct_env"])
        #expect(fromFlags.status == 69)
        #expect(fromFlags.output.contains("collector http://127.0.0.1:\(flagPort) from flag --collector"), "\(fromFlags.output)")
        #expect(fromFlags.output.contains("token from flag --token-file \(tokenFile)"), "\(fromFlags.output)")
    }

    @Test("no config anywhere: the built-in default address and no token")
    func defaults() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let result = try GreencapCLI(directory: directory).run(["audit", "--verbose", "--since", "1h"])
        // Something may listen on 127.0.0.1:8080 on a developer machine; the sources are what this test checks.
        #expect(result.output.contains("collector http://127.0.0.1:8080 from built-in default; no token"), "\(result.output)")
    }

    @Test("usage errors exit 64 and say what to fix, before anything is sent")
    func usageErrors() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let cli = try GreencapCLI(directory: directory)
        try cli.writeConfig("collector = \"http://127.0.0.1:1\"\ntoken = \"inline secrets are not read\"\n")
        let badKey = try cli.run(["status"])
        #expect(badKey.status == 64, "\(badKey.output)")
        #expect(badKey.output.contains("config.toml line 2: unknown key 'token'"), "\(badKey.output)")

        try cli.writeConfig("collector = \"ftp://collector\"\n")
        let badURL = try cli.run(["status"])
        #expect(badURL.status == 64 && badURL.output.contains("is not an http(s) URL"), "\(badURL.output)")

        let both = try cli.run(["status", "--collector", "http://127.0.0.1:1", "--token", "a", "--token-file", "/nonexistent"])
        #expect(both.status == 64 && both.output.contains("either --token or --token-file"), "\(both.output)")

        let missingFile = try cli.run(["status", "--collector", "http://127.0.0.1:1", "--token-file", directory.path + "/none"])
        #expect(missingFile.status == 64 && missingFile.output.contains("cannot read the token file"), "\(missingFile.output)")

        let badWatts = try cli.run(["caps", "set", "--collector", "http://127.0.0.1:1", "--rack", "r1", "--watts", "40 kilowatts", "--lease", "1h", "--reason", "x"])
        #expect(badWatts.status == 64 && badWatts.output.contains("--watts"), "\(badWatts.output)")
        let noReason = try cli.run(["caps", "set", "--collector", "http://127.0.0.1:1", "--rack", "r1", "--watts", "40kW", "--lease", "1h"])
        #expect(noReason.status == 64 && noReason.output.contains("--reason"), "\(noReason.output)")
        let twoScopes = try cli.run(["caps", "set", "--rack", "r1", "--row", "a", "--watts", "40kW", "--lease", "1h", "--reason", "x"])
        #expect(twoScopes.status == 64 && twoScopes.output.contains("exactly one of"), "\(twoScopes.output)")
    }
}
