import AsyncHTTPClient
import GreencapCore
import Logging

/// A complete HTTP answer: status and the whole body.
public struct TransportResponse: Sendable, Equatable {
    public var status: Int
    public var body: [UInt8]

    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}

/// Why no complete answer came back.
public enum TransportFailure: Error, Sendable, Equatable {
    case timeout
    /// The connection closed before the body the server announced was complete.
    case truncated(String)
    case tooLarge(limit: Int)
    case connection(String)
}

/// Fetches a URL. The collector uses AsyncHTTPClient; the seam exists so the poller's logic does not
/// depend on how bytes travel.
public protocol FeedTransport: Sendable {
    func get(url: String, timeout: Duration) async throws(TransportFailure) -> TransportResponse
}

/// HTTP(S) through AsyncHTTPClient's shared client (its own event loops, TLS with the system's trust store).
public struct HTTPClientTransport: FeedTransport {
    let client: HTTPClient
    let maximumBodyBytes: Int
    let logger: Logger

    /// A data.go.kr page of 500 rows is about 100 KB; the limit only stops a wrong URL from filling memory.
    public init(client: HTTPClient = .shared, maximumBodyBytes: Int = 16 << 20, logger: Logger) {
        self.client = client
        self.maximumBodyBytes = maximumBodyBytes
        self.logger = logger
    }

    public func get(url: String, timeout: Duration) async throws(TransportFailure) -> TransportResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json, application/xml;q=0.9, */*;q=0.1")
        request.headers.add(name: "User-Agent", value: "greencap-collector")
        do {
            let response = try await client.execute(request, timeout: .milliseconds(timeout.wholeMilliseconds), logger: logger)
            var body: [UInt8] = []
            for try await chunk in response.body {
                body.append(contentsOf: chunk.readableBytesView)
                if body.count > maximumBodyBytes { throw TransportFailure.tooLarge(limit: maximumBodyBytes) }
            }
            return TransportResponse(status: Int(response.status.code), body: body)
        } catch let failure as TransportFailure {
            throw failure
        } catch let error as HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout:
                throw .timeout
            case .remoteConnectionClosed, .bodyLengthMismatch, .contentLengthMissing:
                throw .truncated("the connection closed before the whole answer arrived (\(error))")
            default:
                throw .connection("\(error)")
            }
        } catch {
            // NIO's HTTP parser reports a body cut short at end of stream as `invalidEOFState`.
            let text = "\(error)"
            if text.contains("EOF") { throw .truncated("the answer ended early (\(text))") }
            throw .connection(text)
        }
    }
}
