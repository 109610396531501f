import Foundation
import GreencapTestSupport
import Modbus
import Testing

/// Every profile in Profiles/modbus, whatever its name: it loads (so its fixtures decode to their stated
/// values), every metric it publishes is checked by some fixture, and an independent decoder in Python
/// (Tests/Tools/check_profiles.py, written from the schema, not from our code) agrees with the fixtures.
@Suite("Shipped profiles")
struct ShippedProfileTests {
    static let names: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: ModbusPeers.profiles)) ?? []
        return files.filter { $0.hasSuffix(".toml") }.map { String($0.dropLast(5)) }.sorted()
    }()

    @Test("the profile directory holds the seven device families the issue names")
    func present() {
        #expect(Set(Self.names).isSuperset(of: [
            "apc-smart-ups", "raritan-px3", "eastron-sdm630", "schneider-iem3000", "janitza-umg96rm", "sunspec-meter-int", "sunspec-meter-float",
        ]), "\(Self.names)")
    }

    @Test("loads, and every metric it publishes is covered by a fixture", arguments: names)
    func covered(name: String) throws {
        let profile = try ModbusPeers.profile(name)
        #expect(!profile.fixtures.isEmpty)
        #expect(!profile.sources.isEmpty, "a profile says where its facts came from")
        let expected = Set(profile.fixtures.indices.flatMap { ModbusPeers.expectedReadings(profile, fixture: $0).keys }
            .map { $0.split(separator: "[").first.map(String.init) ?? $0 })
        let published = Set(profile.points.compactMap(\.metric?.name))
        #expect(published.subtracting(expected).isEmpty, "metrics no fixture checks: \(published.subtracting(expected).sorted())")
    }

    @Test("an independent Python decoder agrees with every fixture")
    func pythonCrossCheck() throws {
        let run = try Subprocess.run(ModbusPeers.python, [Paths.repository + "/Tests/Tools/check_profiles.py"])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("0 problem(s)"), "\(run.output)")
    }
}
