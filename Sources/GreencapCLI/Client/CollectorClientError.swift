/// Why a client command failed, and the exit status scripts can branch on (sysexits.h values, docs/cli.md).
public enum CollectorClientError: Error, Sendable, CustomStringConvertible {
    /// Bad flags, config file or token file: nothing was sent. Exit 64.
    case usage(String)
    /// The collector answered 4xx other than 401/403: it refused the input. Exit 65.
    case refused(status: Int, message: String, hint: String?)
    /// No answer, a 5xx, or an answer that is not the API's JSON. Exit 69.
    case unavailable(String)
    /// 401 or 403: the token is missing, unknown, expired or its role is too low. Exit 77.
    case notPermitted(status: Int, message: String, hint: String?)

    public var exitCode: Int32 {
        switch self {
        case .usage: 64
        case .refused: 65
        case .unavailable: 69
        case .notPermitted: 77
        }
    }

    public var description: String {
        switch self {
        case .usage(let message), .unavailable(let message): message
        case .refused(let status, let message, let hint), .notPermitted(let status, let message, let hint):
            "the collector refused the request (HTTP \(status)): \(message)" + (hint.map { "\n  hint: \($0)" } ?? "")
        }
    }

    /// The exit status for an HTTP status (2xx never reaches here).
    static func forStatus(_ status: Int, message: String, hint: String?) -> CollectorClientError {
        switch status {
        case 401, 403: .notPermitted(status: status, message: message, hint: hint)
        case 400..<500: .refused(status: status, message: message, hint: hint)
        default: .unavailable("the collector failed (HTTP \(status)): \(message)" + (hint.map { "\n  hint: \($0)" } ?? ""))
        }
    }
}
