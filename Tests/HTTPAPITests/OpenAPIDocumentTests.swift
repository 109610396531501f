import Collector
import Foundation
import GreencapTestSupport
import Testing

/// docs/openapi.yaml and the router describe the same API: every registered route is documented and every
/// documented path is served. (A structural check without a YAML library: the paths are the two-space-indented
/// keys under `paths:`, their methods the four-space-indented keys below them.)
@Suite struct OpenAPIDocumentTests {
    static func documentedRoutes() throws -> Set<String> {
        let text = try String(contentsOfFile: Paths.repository + "/docs/openapi.yaml", encoding: .utf8)
        var routes: Set<String> = []
        var inPaths = false
        var path: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("paths:") { inPaths = true; continue }
            guard inPaths else { continue }
            if let first = line.first, first != " ", first != "#" { break }
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                let method = line.trimmingCharacters(in: .whitespaces).dropLast()
                if ["get", "put", "post", "delete", "patch"].contains(String(method)) { routes.insert("\(method.uppercased()) \(path)") }
            }
        }
        return routes
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedPathServed() async throws {
        let documented = try Self.documentedRoutes()
        try await APITestServer.with { server in
            #expect(Set(server.routes).subtracting(documented).isEmpty, "not in docs/openapi.yaml: \(Set(server.routes).subtracting(documented))")
            #expect(documented.subtracting(server.routes).isEmpty, "documented but not served: \(documented.subtracting(server.routes))")
            // Compared as sets above, so also: no route registered twice (a count here would need every new route twice).
            #expect(Set(server.routes).count == server.routes.count, "\(server.routes)")
        }
    }

    @Test func documentIsOpenAPI31() throws {
        let text = try String(contentsOfFile: Paths.repository + "/docs/openapi.yaml", encoding: .utf8)
        #expect(text.hasPrefix("openapi: 3.1."))
        #expect(!text.contains("\t"), "YAML must not contain tabs")
    }
}
