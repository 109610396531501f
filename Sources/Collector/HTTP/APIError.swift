import Foundation
import Hummingbird

/// Every error the API returns: JSON `{"error": "...", "hint": "..."}`, where `error` says what is wrong and
/// `hint` what to do about it, so a script author never has to read server logs to fix a request.
struct APIError: HTTPResponseError, Sendable {
    var status: HTTPResponse.Status
    var message: String
    var hint: String?

    init(_ status: HTTPResponse.Status, _ message: String, hint: String? = nil) {
        self.status = status
        self.message = message
        self.hint = hint
    }

    struct Body: Encodable {
        var error: String
        var hint: String?
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONResponse.make(Body(error: message, hint: hint), status: status)
    }

    static func badParameter(_ name: String, _ problem: String) -> APIError {
        APIError(.badRequest, "query parameter '\(name)': \(problem)", hint: "see docs/openapi.yaml for the parameters of this endpoint")
    }

    static func unknownNode(_ id: String) -> APIError {
        APIError(.notFound, "no node '\(id)' is known to this collector", hint: "GET /api/v1/nodes lists the nodes that have connected")
    }

    static let telemetryUnavailable = APIError(
        .serviceUnavailable, "node telemetry is not available on this collector",
        hint: "telemetry comes from the binary-protocol ingest ([ingest] enabled = true); the grid endpoints work without it")

    static func storeFailed(_ error: any Error) -> APIError {
        APIError(.internalServerError, "the collector's store did not answer: \(error)", hint: "check the collector's log and the [storage] path")
    }
}
