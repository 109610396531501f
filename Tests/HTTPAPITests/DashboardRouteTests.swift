import AsyncHTTPClient
import Foundation
import GreencapTestSupport
import NIOCore
import Testing

/// The dashboard's files come out of the binary byte for byte as they are in the repository, with headers that
/// keep the page to this collector; `/` leads to it. (Rendering is DashboardSystemTests, in real Chromium.)
@Suite struct DashboardRouteTests {
    static let assets = Paths.repository + "/Sources/Collector/Dashboard/Assets/"

    @Test func filesAreServedFromTheBinaryAsCommitted() async throws {
        try await APITestServer.with { server in
            for (path, file, type) in [
                ("/dashboard", "index.html", "text/html"), ("/dashboard/", "index.html", "text/html"),
                ("/dashboard/index.html", "index.html", "text/html"), ("/dashboard/dashboard.js", "dashboard.js", "text/javascript"),
                ("/dashboard/dashboard.css", "dashboard.css", "text/css"),
            ] {
                let reply = try await server.get(path)
                #expect(reply.status == 200, "\(path): \(reply.text)")
                #expect(reply.contentType.hasPrefix(type), "\(path): \(reply.contentType)")
                #expect(reply.text == (try String(contentsOfFile: Self.assets + file, encoding: .utf8)), "\(path) differs from \(file)")
            }
            let missing = try await server.get("/dashboard/app.js")
            #expect(missing.status == 404)
            #expect((try missing.json()["error"] as? String)?.contains("app.js") == true)
        }
    }

    @Test func pageIsLockedToThisCollectorAndRootRedirects() async throws {
        try await APITestServer.with { server in
            // A client of our own that does not follow redirects, to see the 302 itself.
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
            let result: Result<(HTTPClientResponse, HTTPClientResponse), any Error>
            do {
                let root = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/"), timeout: .seconds(10))
                let page = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/dashboard/"), timeout: .seconds(10))
                result = .success((root, page))
            } catch {
                result = .failure(error)
            }
            try await client.shutdown()
            let (root, page) = try result.get()
            #expect(root.status.code == 302)
            #expect(root.headers.first(name: "location") == "/dashboard/")
            let policy = page.headers.first(name: "content-security-policy") ?? ""
            #expect(policy.contains("default-src 'none'") && policy.contains("connect-src 'self'") && policy.contains("script-src 'self'"), "\(policy)")
            #expect(page.headers.first(name: "x-content-type-options") == "nosniff")

            // Nothing in the page points off this collector: every script, style sheet and fetch is a path.
            for file in ["index.html", "dashboard.js", "dashboard.css"] {
                let text = try String(contentsOfFile: Self.assets + file, encoding: .utf8)
                let external = text.components(separatedBy: "\n").filter {
                    ($0.contains("http://") || $0.contains("https://")) && !$0.contains("http://www.w3.org/2000/svg")
                }
                #expect(external.isEmpty, "\(file) refers outside the collector: \(external)")
            }
        }
    }
}
