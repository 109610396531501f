import Hummingbird
import Logging

/// Outermost middleware: every failure leaves as a JSON error (never Hummingbird's default body), and every
/// request is counted by route pattern and status for /metrics.
struct APIMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: CollectorMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            response = JSONResponse.make(APIError.Body(error: error.message, hint: error.hint), status: error.status)
        } catch let error as any HTTPResponseError where error.status == .notFound {
            response = JSONResponse.make(
                APIError.Body(error: "no endpoint \(request.method) \(request.uri.path)", hint: "see docs/openapi.yaml for the API"),
                status: .notFound)
        } catch let error as any HTTPResponseError {
            response = JSONResponse.make(APIError.Body(error: "\(error.status)", hint: nil), status: error.status)
        } catch {
            context.logger.error("http request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            response = JSONResponse.make(
                APIError.Body(error: "internal error: \(error)", hint: "check the collector's log"), status: .internalServerError)
        }
        // Unmatched paths share one label, so a scanner probing URLs cannot create series without bound.
        metrics.httpRequests(route: context.endpointPath ?? "unmatched", status: response.status.code).increment()
        return response
    }
}
