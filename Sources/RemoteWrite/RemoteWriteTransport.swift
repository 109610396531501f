import AsyncHTTPClient
import GreencapCore
import Logging

/// A receiver's answer: the status, the start of the body (for error messages), and Retry-After if given.
public struct RemoteWriteResponse: Sendable, Equatable {
    public var status: Int
    public var body: [UInt8]
    /// Seconds, as 429 and 503 answers may carry it; the HTTP-date form is ignored.
    public var retryAfter: Duration?

    public init(status: Int, body: [UInt8] = [], retryAfter: Duration? = nil) {
        self.status = status
        self.body = body
        self.retryAfter = retryAfter
    }
}

/// Why no answer came back: both kinds are retried.
public enum RemoteWriteTransportFailure: Error, Sendable, Equatable {
    case timeout
    case connection(String)
}

/// POSTs one body. The client's retry and batching logic talks to this seam, so tests can script a receiver's
/// answers without timing real backoffs.
public protocol RemoteWriteTransport: Sendable {
    func post(url: String, headers: [(name: String, value: String)], body: [UInt8], timeout: Duration) async throws(RemoteWriteTransportFailure)
        -> RemoteWriteResponse
}

/// HTTP(S) through AsyncHTTPClient (the shared client by default: its own event loops, connection reuse
/// across requests, TLS with the system's trust store).
public struct HTTPClientRemoteWriteTransport: RemoteWriteTransport {
    let client: HTTPClient
    let logger: Logger
    /// Receivers answer errors in a line or two; more is not kept.
    static let maximumKeptBodyBytes = 4096

    public init(client: HTTPClient = .shared, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func post(url: String, headers: [(name: String, value: String)], body: [UInt8], timeout: Duration) async throws(RemoteWriteTransportFailure)
        -> RemoteWriteResponse
    {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        request.body = .bytes(body)
        do {
            let response = try await client.execute(request, timeout: .milliseconds(timeout.wholeMilliseconds), logger: logger)
            var kept: [UInt8] = []
            // Read to the end even past the kept part, so the connection can be reused.
            for try await chunk in response.body where kept.count < Self.maximumKeptBodyBytes {
                kept.append(contentsOf: chunk.readableBytesView.prefix(Self.maximumKeptBodyBytes - kept.count))
            }
            let retryAfter = response.headers.first(name: "Retry-After").flatMap { Int($0.filter { !$0.isWhitespace }) }
            return RemoteWriteResponse(status: Int(response.status.code), body: kept, retryAfter: retryAfter.map { .seconds(max($0, 0)) })
        } catch let error as HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout:
                throw .timeout
            default:
                throw .connection("\(error)")
            }
        } catch {
            // Refused and reset connections arrive as NIO's own errors.
            throw .connection("\(error)")
        }
    }
}
