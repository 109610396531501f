import Hummingbird

/// The dashboard's page, script and style sheet, compiled into the binary (`PackageResources`, from SwiftPM's
/// `embedInCode` rule in Package.swift): the collector ships as one file in a .deb, so nothing is looked up on
/// disk at run time and a page can never be out of step with the API it reads.
struct DashboardRoutes: Sendable {
    struct Asset: Sendable {
        var contentType: String
        var bytes: ByteBuffer
    }

    /// File name under /dashboard/ → asset. `index.html` is also what /dashboard/ answers.
    static let assets: [String: Asset] = [
        "index.html": Asset(contentType: "text/html; charset=utf-8", bytes: ByteBuffer(bytes: PackageResources.index_html)),
        "dashboard.js": Asset(contentType: "text/javascript; charset=utf-8", bytes: ByteBuffer(bytes: PackageResources.dashboard_js)),
        "dashboard.css": Asset(contentType: "text/css; charset=utf-8", bytes: ByteBuffer(bytes: PackageResources.dashboard_css)),
    ]

    /// Only this collector: no inline script, no third-party fetches, no framing by other sites.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// `/` → the dashboard, so a browser pointed at the collector lands on it.
    func root(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        Response(status: .found, headers: [.location: "/dashboard/"])
    }

    func index(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try serve("index.html")
    }

    func file(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try serve(context.parameters.get("file") ?? "")
    }

    private func serve(_ name: String) throws(APIError) -> Response {
        guard let asset = Self.assets[name] else {
            throw APIError(
                .notFound, "the dashboard has no file '\(name)'",
                hint: "open /dashboard/; its files are \(Self.assets.keys.sorted().joined(separator: ", "))")
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: asset.contentType,
                // The bytes change only with the binary; revalidating each load keeps an upgraded page in step.
                .cacheControl: "no-cache",
                .contentSecurityPolicy: Self.contentSecurityPolicy,
                .xContentTypeOptions: "nosniff",
            ],
            body: ResponseBody(byteBuffer: asset.bytes))
    }
}
