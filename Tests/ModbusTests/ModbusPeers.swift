import Foundation
import GreencapTestSupport
import Modbus

/// The real programs the Modbus tests talk to: our simulator, a pymodbus server, mbpoll, socat pty pairs.
/// Each fails loudly when its tool is missing (`make test` installs them).
enum ModbusPeers {
    static let profiles = Paths.repository + "/Profiles/modbus"
    static let python = Paths.repository + "/.venv/bin/python3"
    static let pymodbusServer = Paths.repository + "/Tests/Tools/modbus_server.py"

    static func tool(_ name: String) throws -> String {
        for directory in ["/usr/bin", "/usr/local/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
            return "\(directory)/\(name)"
        }
        throw TestFailure("\(name) is not installed; `make test` installs it (scripts/install-deps.sh)")
    }

    static func profile(_ name: String) throws -> DeviceProfile {
        try ProfileLoader.load(path: "\(profiles)/\(name).toml")
    }

    static func waitForFile(_ path: String, process: Subprocess, timeout: Duration = .seconds(20)) throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOfFile: path, encoding: .utf8), !text.isEmpty { return text }
            if !process.isRunning { throw TestFailure("peer exited before it was ready:\n\(process.text)") }
            usleep(20_000)
        }
        process.signal(SIGKILL)
        throw TestFailure("peer not ready after \(timeout):\n\(process.text)")
    }

    /// A running TCP peer and its port.
    struct TCPPeer {
        let process: Subprocess
        let port: Int
        func stop() {
            process.signal(SIGTERM)
            process.wait(timeout: .seconds(5))
        }
    }

    static func simulatorTCP(_ profile: String, in directory: TemporaryDirectory, extra: [String] = []) throws -> TCPPeer {
        let ready = directory.path + "/sim-\(UUID().uuidString).port"
        let process = try Subprocess(
            try Paths.executable("greencap"),
            ["sim", "modbus", "--profile", profile, "--tcp", "127.0.0.1:0", "--ready-file", ready] + extra)
        let port = try waitForFile(ready, process: process).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let number = Int(port), number > 0 else { throw TestFailure("simulator wrote port \(port)") }
        return TCPPeer(process: process, port: number)
    }

    static func pymodbusTCP(_ profile: String, in directory: TemporaryDirectory, extra: [String] = []) throws -> TCPPeer {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw TestFailure("\(python) is missing; `make test` creates it with pymodbus (scripts/install-deps.sh)")
        }
        let ready = directory.path + "/pymodbus-\(UUID().uuidString).port"
        let process = try Subprocess(
            python, [pymodbusServer, "--profile", "\(profiles)/\(profile).toml", "--tcp", "127.0.0.1:0", "--ready-file", ready] + extra)
        let port = try waitForFile(ready, process: process).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let number = Int(port), number > 0 else { throw TestFailure("pymodbus server wrote port \(port)") }
        return TCPPeer(process: process, port: number)
    }

    /// Two connected pseudo-terminals, as an RS-485 line between a master and a slave.
    final class PtyPair {
        let process: Subprocess
        let master: String
        let slave: String

        init(in directory: TemporaryDirectory, name: String = "line") throws {
            master = "\(directory.path)/\(name)-master"
            slave = "\(directory.path)/\(name)-slave"
            process = try Subprocess(
                try ModbusPeers.tool("socat"),
                ["-d", "-d", "pty,raw,echo=0,link=\(master)", "pty,raw,echo=0,link=\(slave)"])
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                if FileManager.default.fileExists(atPath: master) && FileManager.default.fileExists(atPath: slave) { return }
                usleep(10_000)
            }
            process.signal(SIGKILL)
            throw TestFailure("socat did not create the pty pair:\n\(process.text)")
        }

        /// SIGKILL, because socat inherits the test runner's blocked SIGTERM and would sit out the wait;
        /// its links are removed here instead, as a clean exit would.
        func stop() {
            process.signal(SIGKILL)
            process.wait(timeout: .seconds(5))
            try? FileManager.default.removeItem(atPath: master)
            try? FileManager.default.removeItem(atPath: slave)
        }
    }

    /// Starts a serving process on an RTU line and waits for its ready file.
    static func serveRTU(_ executable: String, _ arguments: [String], ready: String) throws -> Subprocess {
        let process = try Subprocess(executable, arguments)
        _ = try waitForFile(ready, process: process)
        return process
    }

    /// The fixture whose expectations cover the most metrics (the full-image one, not a partial capture).
    static func richestFixture(_ profile: DeviceProfile) -> Int {
        profile.fixtures.indices.max { expectedReadings(profile, fixture: $0).count < expectedReadings(profile, fixture: $1).count } ?? 0
    }

    /// The values a fixture says its metric points carry, converted to the metric's unit: written by hand in
    /// the profile (and checked by Tests/Tools/check_profiles.py), not produced by our decoder.
    static func expectedReadings(_ profile: DeviceProfile, fixture: Int) -> [String: Fixture.Expected] {
        var expected: [String: Fixture.Expected] = [:]
        for item in profile.fixtures[fixture].expect {
            var name = Substring(item.key)
            var suffix = ""
            if let open = name.lastIndex(of: "[") {
                suffix = String(name[open...])
                name = name[..<open]
            }
            guard let point = profile.point(named: String(name)), let metric = point.metric else { continue }
            var value = item.value
            if case .number(let number) = value, let factor = metric.factor(from: point.unit) { value = .number(number * factor) }
            expected[metric.name + suffix] = value
        }
        return expected
    }
}
