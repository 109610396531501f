import Foundation
import GreencapTestSupport
import Testing

/// The unit files, checked by systemd's own tools.
@Suite struct SystemdUnitTests {
    static let units = ["greencap-agent.service", "greencap-collector.service"]

    /// `systemd-analyze verify --root` resolves units, executables and dependencies inside the root,
    /// so the test builds a root holding the units, the targets they order against, the binaries and kill.
    @Test func verifyPassesWithoutAnyWarning() throws {
        let root = try TemporaryDirectory.make()
        defer { root.remove() }
        let manager = FileManager.default
        try manager.createDirectory(atPath: root.path + "/usr/bin", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: root.path + "/usr/lib/systemd", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: root.path + "/bin", withIntermediateDirectories: true)
        let copy = try Subprocess.run("/bin/cp", ["-a", "/usr/lib/systemd/system", root.path + "/usr/lib/systemd/"])
        #expect(copy.status == 0, "systemd must be installed (make test installs it): \(copy.output)")
        for binary in ["greencap-agent", "greencap-collector"] {
            try manager.copyItem(atPath: try Paths.executable(binary), toPath: root.path + "/usr/bin/" + binary)
        }
        try manager.copyItem(atPath: "/bin/kill", toPath: root.path + "/bin/kill")
        for unit in Self.units {
            let target = root.path + "/usr/lib/systemd/system/" + unit
            if manager.fileExists(atPath: target) { try manager.removeItem(atPath: target) }
            try manager.copyItem(atPath: Paths.repository + "/Systemd/" + unit, toPath: target)
        }
        // The operator's uplink-key drop-in (docs/operations.md) is checked with the unit it extends.
        let dropIns = root.path + "/etc/systemd/system/greencap-agent.service.d"
        try manager.createDirectory(atPath: dropIns, withIntermediateDirectories: true)
        try manager.copyItem(atPath: Paths.repository + "/Systemd/uplink-key.conf", toPath: dropIns + "/uplink-key.conf")
        let verify = try Subprocess.run("/usr/bin/env", ["systemd-analyze", "verify", "--root=" + root.path] + Self.units)
        #expect(verify.status == 0, "\(verify.output)")
        // Unknown keys and bad values are only warnings (exit 0), so silence is the bar.
        #expect(verify.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(verify.output)")
    }

    @Test(arguments: [("greencap-collector.service", 2.0), ("greencap-agent.service", 2.5)])
    func securityExposureMeetsTarget(unit: String, target: Double) throws {
        let result = try Subprocess.run(
            "/usr/bin/env", ["systemd-analyze", "security", "--offline=true", Paths.repository + "/Systemd/" + unit])
        let line = result.output.split(separator: "\n").first { $0.contains("Overall exposure level") }
        let summary = try #require(line.map(String.init), "\(result.output)")
        print("systemd-analyze security: \(summary)")
        let score = summary.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }
        let exposure = try #require(score, "cannot read the score from: \(summary)")
        #expect(exposure <= target, "\(unit): exposure \(exposure) above the target \(target)")
    }

    @Test func sysusersEntryCreatesTheServiceUser() throws {
        let root = try TemporaryDirectory.make()
        defer { root.remove() }
        let sysusers = try Subprocess.run(
            "/usr/bin/env", ["systemd-sysusers", "--dry-run", "--root=" + root.path, Paths.repository + "/Systemd/greencap.sysusers.conf"])
        #expect(sysusers.status == 0, "\(sysusers.output)")
        #expect(sysusers.output.contains("greencap"), "\(sysusers.output)")
    }
}
