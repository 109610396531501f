import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// The collector's HTTP API from the command line: bearer token, JSON in and out, and every failure turned
/// into a `CollectorClientError` whose exit status scripts can rely on. Commands that call the API build one
/// from `CollectorClientOptions.client()`.
public struct CollectorClient: Sendable {
    public let settings: ClientSettings
    public var timeout: Duration = .seconds(15)
    let logger: Logger

    /// Bodies larger than this are refused rather than buffered: no API answer is near it.
    static let maximumBodyBytes = 64 << 20

    /// One client for the process (it lives as long as the process, so it is never shut down). Unlike the
    /// shared client it does not retry a refused connection until the deadline: a collector that is down
    /// is reported at once (exit 69), not after the whole timeout.
    static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(5)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    public init(settings: ClientSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    /// A successful answer: its status and the raw JSON body (what `--json` prints unchanged).
    public struct Reply: Sendable {
        public var status: Int
        public var body: Data

        /// The body as `T`, keys in the API's snake_case; a body that does not match is the collector's fault (exit 69).
        public func decode<T: Decodable>(_ type: T.Type) throws(CollectorClientError) -> T {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            do {
                return try decoder.decode(T.self, from: body)
            } catch {
                throw .unavailable("the collector's answer is not the JSON this greencap expects (\(error)); are the CLI and collector versions the same?")
            }
        }
    }

    /// GET `path` (starting "/api/v1/...") with query parameters; nil values are left out.
    public func get(_ path: String, query: [(String, String?)] = []) async throws(CollectorClientError) -> Reply {
        try await send(.GET, path, query: query, body: nil)
    }

    /// POST, PUT or DELETE with a JSON body.
    public func send(_ method: HTTPMethod, _ path: String, json: some Encodable) async throws(CollectorClientError) -> Reply {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        let body: Data
        do { body = try encoder.encode(json) } catch { throw .usage("cannot encode the request: \(error)") }
        return try await send(method, path, query: [], body: body)
    }

    func url(_ path: String, query: [(String, String?)]) -> String {
        var components = URLComponents()
        components.queryItems = query.compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
        // URLComponents leaves '+' alone, which a server reads as a space: RFC 3339 offsets need it encoded.
        let encoded = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        return settings.collector + path + (encoded.map { $0.isEmpty ? "" : "?" + $0 } ?? "")
    }

    private func send(_ method: HTTPMethod, _ path: String, query: [(String, String?)], body: Data?) async throws(CollectorClientError)
        -> Reply
    {
        let target = url(path, query: query)
        var request = HTTPClientRequest(url: target)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "greencap-cli")
        if let token = settings.token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        logger.debug("collector request", metadata: ["method": "\(method)", "url": "\(target)"])
        let status: Int
        var bytes: ByteBuffer
        do {
            let response = try await Self.http.execute(request, timeout: .milliseconds(timeout.wholeMilliseconds), logger: logger)
            status = Int(response.status.code)
            bytes = try await response.body.collect(upTo: Self.maximumBodyBytes)
        } catch {
            throw .unavailable("cannot reach the collector at \(settings.collector) (\(settings.collectorSource)): \(Self.describe(error))")
        }
        let data = Data(bytes.readBytes(length: bytes.readableBytes) ?? [])
        guard (200..<300).contains(status) else {
            let problem = Self.problem(in: data)
            var error = CollectorClientError.forStatus(status, message: problem.message, hint: problem.hint)
            if case .notPermitted(let code, let message, let hint) = error {
                // A 401/403 is nearly always the wrong token or collector: say which were used and from where.
                error = .notPermitted(status: code, message: message + "\n  (\(settings.provenance))", hint: hint)
            }
            throw error
        }
        return Reply(status: status, body: data)
    }

    /// The API's `{"error": ..., "hint": ...}`, or the start of whatever else came back (a proxy's HTML page).
    static func problem(in data: Data) -> (message: String, hint: String?) {
        struct Problem: Decodable {
            var error: String
            var hint: String?
        }
        if let problem = try? JSONDecoder().decode(Problem.self, from: data) { return (problem.error, problem.hint) }
        let text = String(decoding: data.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return (text.isEmpty ? "(empty body)" : text, "this answer is not the Greencap API's JSON: is the address a Greencap collector?")
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout: return "no answer in time (\(error))"
            default: return "\(error)"
            }
        }
        return "\(error)"
    }
}
