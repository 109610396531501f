import Foundation
import GreencapTestSupport
import GridLive
import Logging

/// Tests/Tools/kpx_replay_server.py as a child process: data.go.kr's gateway replaying the recorded
/// responses in Tests/Fixtures/kpx-api, with faults switched on through its control paths.
final class ReplayServer: Sendable {
    static let script = Paths.repository + "/Tests/Tools/kpx_replay_server.py"
    static let fixtures = Paths.repository + "/Tests/Fixtures/kpx-api"
    /// The decoded key the server expects: `+`, `/` and `=` prove it is URL-encoded exactly once.
    static let key = "test+key/with=signs"

    let process: Subprocess
    let port: Int
    let transport = HTTPClientTransport(logger: Logger(label: "replay-control"))

    /// `root`: where the served files are (default the recorded responses).
    init(root: String = ReplayServer.fixtures) throws {
        process = try Subprocess("/usr/bin/env", ["python3", Self.script, "--key", Self.key, "--root", root])
        guard process.waitForOutput("listening on 127.0.0.1:", timeout: .seconds(20)) else {
            process.signal(SIGKILL)
            throw TestFailure("kpx_replay_server did not start:\n\(process.text)")
        }
        let text = process.text
        guard let range = text.range(of: "listening on 127.0.0.1:"),
            let port = Int(text[range.upperBound...].prefix { $0.isNumber })
        else { throw TestFailure("no port in: \(text)") }
        self.port = port
    }

    var base: String { "http://127.0.0.1:\(port)/B552115" }
    var root: String { "http://127.0.0.1:\(port)" }

    /// Switches a fault on for the next `times` gateway requests (-1: until cleared).
    func fault(_ kind: String, times: Int = -1) async throws {
        _ = try await transport.get(url: "\(root)/_control/fault?kind=\(QueryString.encode(kind))&times=\(times)", timeout: .seconds(5))
    }

    func clear() async throws {
        _ = try await transport.get(url: "\(root)/_control/clear", timeout: .seconds(5))
    }

    struct Request {
        var path: String
        var query: [String: String]
        var keyOK: Bool
        var status: Int
    }

    /// Every gateway request served since the last clear.
    func requests() async throws -> [Request] {
        let response = try await transport.get(url: "\(root)/_control/requests", timeout: .seconds(5))
        guard let list = try JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]] else {
            throw TestFailure("bad request log")
        }
        return list.map {
            Request(
                path: $0["path"] as? String ?? "", query: $0["query"] as? [String: String] ?? [:], keyOK: $0["key_ok"] as? Bool ?? false,
                status: $0["status"] as? Int ?? 0)
        }
    }

    func stop() {
        process.signal(SIGTERM)
        process.wait(timeout: .seconds(5))
    }
}
