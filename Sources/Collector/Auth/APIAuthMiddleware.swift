import GreencapConfig
import Hummingbird

/// Every `/api/v1` request needs at least a viewer (on a collector with tokens, a valid token); routes that
/// change something ask `APIAuthority` again for their own role. `/healthz`, `/metrics` and the dashboard's
/// files stay open: load balancers, Prometheus and a browser's first page load carry no token.
struct APIAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let authority: APIAuthority

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path.hasPrefix("/api/") {
            _ = try authority.authorize(request, needs: .viewer, action: "reading the API")
        }
        return try await next(request, context)
    }
}
