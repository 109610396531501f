import AsyncHTTPClient
import Collector
import Foundation
import GreencapConfig
import GreencapCore
import GreencapTestSupport
import Logging
import NIOCore
import Testing

/// Tokens and roles on the in-process HTTP server: what a 401 and a 403 say, the open-reads/no-writes mode
/// without a tokens file, the file re-read on change, and a world-readable file refused.
@Suite("API tokens and roles")
struct APIAuthTests {
    static let logger = Logger(label: "auth-test")

    /// A tokens file with one token per role (valid) plus an expired engineer; returns the secrets by name.
    static func writeTokens(_ directory: TemporaryDirectory, now: Int64) throws -> (path: String, secrets: [String: String]) {
        var entries: [APITokenEntry] = []
        var secrets: [String: String] = [:]
        for (name, role, expires) in [
            ("vic", APIRole.viewer, nil), ("erin", .energy, nil), ("alice", .engineer, now + 3600), ("old", .engineer, now - 60),
        ] as [(String, APIRole, Int64?)] {
            let secret = TokenSecret.generate()
            secrets[name] = secret
            entries.append(APITokenEntry(name: name, role: role, sha256: TokenSecret.hash(secret), created: now - 7200, expires: expires))
        }
        let path = try directory.write("tokens.toml", APITokensFile.render(entries))
        chmod(path, 0o600)
        return (path, secrets)
    }

    enum Method { case GET, POST, DELETE }

    static func request(_ port: Int, _ method: Method, _ path: String, token: String?, body: String? = nil) async throws -> (Int, [String: Any]) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        switch method {
        case .GET: request.method = .GET
        case .POST: request.method = .POST
        case .DELETE: request.method = .DELETE
        }
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let data = try await response.body.collect(upTo: 1 << 20)
        let object = (try? JSONSerialization.jsonObject(with: Data(String(buffer: data).utf8))) as? [String: Any] ?? [:]
        return (Int(response.status.code), object)
    }

    @Test("401 says missing, unknown or expired; 403 names the role needed and the token's; reads need only a viewer")
    func rolesAndRefusals() async throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let now = Int64(Date().timeIntervalSince1970)
        let (path, secrets) = try Self.writeTokens(directory, now: now)
        let authority = APIAuthority(tokensFile: path, logger: Self.logger)
        try await APITestServer.with(authority: authority) { server in
            let (missing, missingBody) = try await Self.request(server.port, .GET, "/api/v1/grid/state", token: nil)
            #expect(missing == 401 && (missingBody["error"] as? String)?.contains("no API token") == true, "\(missingBody)")
            let (unknown, unknownBody) = try await Self.request(server.port, .GET, "/api/v1/grid/state", token: "gct_guess")
            #expect(unknown == 401 && (unknownBody["error"] as? String)?.contains("unknown API token") == true, "\(unknownBody)")
            let (expired, expiredBody) = try await Self.request(server.port, .GET, "/api/v1/grid/state", token: secrets["old"])
            let expiry = Timestamp.formatRFC3339(now - 60)
            #expect(expired == 401 && (expiredBody["error"] as? String) == "API token 'old' expired at \(expiry)", "\(expiredBody)")

            for name in ["vic", "erin", "alice"] {
                let (status, _) = try await Self.request(server.port, .GET, "/api/v1/grid/hours", token: secrets[name])
                #expect(status == 200, "\(name) reads")
            }
            let body = #"{"scope":"rack","name":"r07","watts":40000,"lease_seconds":600,"reason":"test"}"#
            for name in ["vic", "erin"] {
                let (status, refusal) = try await Self.request(server.port, .POST, "/api/v1/caps", token: secrets[name], body: body)
                #expect(status == 403, "\(name): \(refusal)")
                let role = name == "vic" ? "viewer" : "energy"
                #expect(refusal["error"] as? String == "setting a cap needs role engineer or higher; token '\(name)' has role \(role)")
            }
            // An engineer passes the role check; this server takes no cap changes, which it says (503), not 403.
            let (engineer, _) = try await Self.request(server.port, .POST, "/api/v1/caps", token: secrets["alice"], body: body)
            #expect(engineer == 503)
            // Open without a token: health, metrics.
            #expect(try await Self.request(server.port, .GET, "/healthz", token: nil).0 == 200)
            #expect(try await server.get("/metrics").status == 200)
        }
    }

    @Test("without a tokens file: reads open, every write refused with what to do")
    func noTokensFile() async throws {
        try await APITestServer.with(authority: APIAuthority(tokensFile: nil, logger: Self.logger)) { server in
            #expect(try await Self.request(server.port, .GET, "/api/v1/grid/hours", token: nil).0 == 200)
            let (status, body) = try await Self.request(
                server.port, .POST, "/api/v1/caps", token: "anything", body: #"{"scope":"node","name":"a","watts":1,"lease_seconds":1,"reason":"x"}"#)
            #expect(status == 403)
            #expect((body["hint"] as? String)?.contains("set [api] tokens_file") == true, "\(body)")
            let (clear, _) = try await Self.request(server.port, .DELETE, "/api/v1/caps/api-1", token: nil, body: #"{"reason":"x"}"#)
            #expect(clear == 403)
        }
    }

    @Test("a revoked token stops working once the file changes; a world-readable file is refused")
    func reloadAndPermissions() async throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let now = Int64(Date().timeIntervalSince1970)
        let (path, secrets) = try Self.writeTokens(directory, now: now)
        let authority = APIAuthority(tokensFile: path, logger: Self.logger)
        try await APITestServer.with(authority: authority) { server in
            #expect(try await Self.request(server.port, .GET, "/api/v1/grid/hours", token: secrets["vic"]).0 == 200)
            // Rewritten without vic (a new inode, as token revoke does).
            let kept = try APITokensFile.load(path: path).filter { $0.name != "vic" }
            let replacement = try directory.write("tokens.new", APITokensFile.render(kept))
            chmod(replacement, 0o600)
            rename(replacement, path)
            try await Task.sleep(for: .milliseconds(1100))
            let (revoked, body) = try await Self.request(server.port, .GET, "/api/v1/grid/hours", token: secrets["vic"])
            #expect(revoked == 401 && (body["error"] as? String)?.contains("unknown API token") == true, "\(body)")
        }

        let open = try directory.write("open.toml", "")
        chmod(open, 0o644)
        #expect(throws: ConfigError.self) { try APITokensFile.load(path: open) }
        do {
            _ = try APITokensFile.load(path: open)
        } catch {
            #expect(error.description.contains("chmod 600"), "\(error)")
        }
        // A collector started with such a file answers 503 naming the file, rather than running open.
        let refusing = APIAuthority(tokensFile: open, logger: Self.logger)
        try await APITestServer.with(authority: refusing) { server in
            let (status, body) = try await Self.request(server.port, .GET, "/api/v1/grid/hours", token: "gct_x")
            #expect(status == 503 && (body["error"] as? String)?.contains(open) == true, "\(body)")
        }
    }

    @Test("the tokens file: line-numbered errors, duplicate names refused")
    func tokensFileErrors() throws {
        let text = """
            [[token]]
            name = "alice"
            role = "boss"
            sha256 = "abc"
            created = "2026-01-01T00:00:00Z"
            """
        do {
            _ = try APITokensFile.parse(path: "tokens.toml", text: text)
            Issue.record("accepted a bad tokens file")
        } catch {
            let lines = error.issues.map(\.description)
            #expect(lines.contains { $0.hasPrefix("tokens.toml:3: key 'token[1].role'") }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("tokens.toml:4: key 'token[1].sha256'") }, "\(lines)")
        }
    }
}
