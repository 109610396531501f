import Foundation
import GreencapCore
import GreencapTestSupport

/// The real `greencap` binary run as an operator would, with its own config directory (so the tester's
/// ~/.config never leaks in) and nothing from the environment unless a test sets it.
struct GreencapCLI {
    let configHome: String
    var environment: [String: String] = [:]

    init(directory: TemporaryDirectory) throws {
        configHome = directory.path + "/xdg"
        try FileManager.default.createDirectory(atPath: configHome + "/greencap", withIntermediateDirectories: true)
    }

    struct Result {
        var status: Int32
        var output: String
    }

    func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Result {
        var environment = ["XDG_CONFIG_HOME": configHome, "GREENCAP_COLLECTOR": "", "GREENCAP_TOKEN": ""]
        for (key, value) in self.environment { environment[key] = value }
        for (key, value) in extra { environment[key] = value }
        let result = try Subprocess.run(try Paths.executable("greencap"), arguments, environment: environment)
        return Result(status: result.status, output: result.output)
    }

    func writeConfig(_ text: String) throws {
        try text.write(toFile: configHome + "/greencap/config.toml", atomically: true, encoding: .utf8)
    }
}

/// `greencap-collector token add`, returning the secret it printed once.
func addToken(file: String, name: String, role: String, expires: String? = nil) throws -> String {
    var arguments = ["token", "add", "--tokens-file", file, "--name", name, "--role", role]
    if let expires { arguments += ["--expires", expires] }
    let result = try Subprocess.run(try Paths.executable("greencap-collector"), arguments)
    guard result.status == 0, let secret = result.output.split(separator: "\n").first(where: { $0.hasPrefix("gct_") }) else {
        throw TestFailure("token add \(name) failed (\(result.status)): \(result.output)")
    }
    return String(secret)
}

/// The JSON object in a command's output (the CLI prints nothing else with --json unless asked to).
func jsonObject(_ text: String) -> [String: Any]? {
    guard let start = text.firstIndex(of: "{"), let end = text.lastIndex(of: "}") else { return nil }
    return (try? JSONSerialization.jsonObject(with: Data(text[start...end].utf8))) as? [String: Any]
}

func eventually(timeout seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.2)
    }
    return try condition()
}
