import GreencapCore

/// Where and how to send. The defaults follow what Prometheus itself does as a sender, scaled to a
/// collector that pushes a few thousand GPU samples at a time.
public struct RemoteWriteConfiguration: Sendable {
    /// Prometheus' own `max_samples_per_send`: small enough for every receiver's request limit.
    public static let defaultMaximumSamplesPerRequest = 2000

    /// The receiver's write URL, e.g. `http://prometheus:9090/api/v1/write`.
    public var endpoint: String
    public var authorization: RemoteWriteAuthorization
    public var maximumSamplesPerRequest: Int
    /// For one attempt, connection included; retries each get their own.
    public var timeout: Duration
    public var backoff: BackoffPolicy
    public var userAgent: String

    public init(
        endpoint: String,
        authorization: RemoteWriteAuthorization = .none,
        maximumSamplesPerRequest: Int = defaultMaximumSamplesPerRequest,
        timeout: Duration = .seconds(30),
        backoff: BackoffPolicy = BackoffPolicy(),
        userAgent: String = "greencap/\(GreencapVersion.current)"
    ) {
        self.endpoint = endpoint
        self.authorization = authorization
        self.maximumSamplesPerRequest = maximumSamplesPerRequest
        self.timeout = timeout
        self.backoff = backoff
        self.userAgent = userAgent
    }
}

/// Credentials for receivers behind authentication (Mimir, hosted Prometheus, a reverse proxy).
public enum RemoteWriteAuthorization: Sendable, Equatable {
    case none
    case basic(username: String, password: String)
    case bearer(token: String)

    /// The `Authorization` header value, or nil for none.
    public var headerValue: String? {
        switch self {
        case .none: nil
        case .basic(let username, let password): "Basic " + Base64.encode(Array("\(username):\(password)".utf8))
        case .bearer(let token): "Bearer " + token
        }
    }
}

/// RFC 4648 base64 with padding, for basic auth: twelve lines instead of Foundation in the library.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        for start in stride(from: 0, to: bytes.count, by: 3) {
            let chunk = bytes[start..<min(start + 3, bytes.count)]
            var group = 0
            for (index, byte) in chunk.enumerated() { group |= Int(byte) << (16 - 8 * index) }
            for index in 0..<4 {
                output.append(index <= chunk.count ? alphabet[(group >> (18 - 6 * index)) & 0x3F] : UInt8(ascii: "="))
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
