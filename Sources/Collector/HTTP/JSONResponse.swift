import Foundation
import Hummingbird

/// JSON bodies with snake_case keys and sorted keys, so responses are stable to diff and match docs/openapi.yaml.
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do {
            data = try encoder.encode(value)
        } catch {
            // Only non-finite doubles fail here; say so rather than send a half-written body.
            data = Data(#"{"error":"the response could not be encoded as JSON","hint":"report this as a collector bug"}"#.utf8)
            return Response(
                status: .internalServerError, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
