import Foundation
import GreencapCore
import GreencapTestSupport

/// A real `greencap-collector` replaying the repository's Jeonnam file with `timeline = "now"`: the hour at
/// `start` begins when the collector starts, the weeks before it are on record, and the HTTP API speaks
/// wall-clock time.
final class ReplayCollector {
    let process: Subprocess
    let url: String
    let directory: TemporaryDirectory

    init(directory: TemporaryDirectory, start: String, speed: Int, port: Int? = nil, extraGrid: String = "") throws {
        guard let port = port ?? LoopbackPort.unused() else { throw TestFailure("no free loopback port for the collector") }
        self.directory = directory
        url = "http://127.0.0.1:\(port)"
        let config = try directory.write(
            "collector.toml",
            """
            [storage]
            path = "\(directory.path)/collector.sqlite"
            [grid]
            source = "replay"
            \(extraGrid)
            [grid.replay]
            file = "\(Paths.jeonnamCSV)"
            speed = \(speed)
            start = "\(start)"
            loop = false
            timeline = "now"
            [http]
            listen = "127.0.0.1:\(port)"
            """)
        process = try Subprocess(try Paths.executable("greencap-collector"), [config])
        guard process.waitForOutput("http listening", timeout: .seconds(20)), process.waitForOutput("ready", timeout: .seconds(20)) else {
            process.signal(SIGKILL)
            throw TestFailure("the collector did not start:\n\(process.text)")
        }
    }

    func stop() {
        if process.isRunning {
            process.signal(SIGTERM)
            process.wait(timeout: .seconds(10))
        }
    }

    /// Runs the real `greencap` against this collector, with a config directory of its own.
    func greencap(_ arguments: [String], environment extra: [String: String] = [:]) throws -> (status: Int32, output: String) {
        var environment = ["GREENCAP_COLLECTOR": url, "GREENCAP_TOKEN": "", "XDG_CONFIG_HOME": directory.path + "/xdg"]
        for (key, value) in extra { environment[key] = value }
        return try Subprocess.run(try Paths.executable("greencap"), arguments, environment: environment)
    }
}

/// The JSON object a command printed.
func jsonObject(_ text: String) -> [String: Any]? {
    guard let start = text.firstIndex(of: "{"), let end = text.lastIndex(of: "}") else { return nil }
    return (try? JSONSerialization.jsonObject(with: Data(text[start...end].utf8))) as? [String: Any]
}

/// Unix milliseconds of an API time such as "2026-11-21T04:00:00.250Z".
func milliseconds(_ text: String?) -> Int64? {
    guard let text, let seconds = Timestamp.parseRFC3339(text) else { return nil }
    guard let dot = text.firstIndex(of: ".") else { return seconds * 1000 }
    let digits = String(text[text.index(after: dot)...].prefix { $0.isNumber }.prefix(3))
    return seconds * 1000 + (Int64(digits + String(repeating: "0", count: 3 - digits.count)) ?? 0)
}
