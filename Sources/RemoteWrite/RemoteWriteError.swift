/// Why samples did not reach the receiver. Every case that involved the network names the endpoint.
public enum RemoteWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The series break a remote-write rule; nothing was sent.
    case invalidSeries(SeriesValidationError)
    case invalidEndpoint(String)
    /// A 4xx other than 429 (or any other non-2xx that retrying cannot fix): the receiver will refuse the
    /// same bytes again, so the spec forbids retrying. `message` is the start of the receiver's answer.
    case rejected(endpoint: String, status: Int, message: String, attempts: Int)
    /// Every attempt failed in a way that might have passed; `last` is the final one.
    case gaveUp(endpoint: String, attempts: Int, last: RetryableFailure)
    case cancelled(endpoint: String)

    public var description: String {
        switch self {
        case .invalidSeries(let error): "remote-write: \(error)"
        case .invalidEndpoint(let endpoint): "remote-write: \"\(endpoint)\" is not an http(s) URL"
        case .rejected(let endpoint, let status, let message, let attempts):
            "remote-write to \(endpoint) refused with HTTP \(status) after \(attempts) attempt(s): \(message)"
        case .gaveUp(let endpoint, let attempts, let last):
            "remote-write to \(endpoint) failed \(attempts) times; last: \(last)"
        case .cancelled(let endpoint): "remote-write to \(endpoint) cancelled"
        }
    }
}

/// A failure the sender retries.
public enum RetryableFailure: Sendable, Equatable, CustomStringConvertible {
    /// 5xx, or 429 (too many requests).
    case status(Int, message: String)
    case timeout
    case connection(String)

    public var description: String {
        switch self {
        case .status(let status, let message): "HTTP \(status): \(message)"
        case .timeout: "timed out"
        case .connection(let reason): "connection failed: \(reason)"
        }
    }
}
