import GreencapCore

/// Why a live feed gave no (or not all) records. Every message names the API and says what to do.
public enum LiveFeedError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The credential file cannot be used (missing, empty, readable by every user).
    case keyFile(path: String, problem: String)
    /// data.go.kr refused the service key (codes 20, 21, 30, 31, 32, 33). Never retried.
    case keyRejected(api: LiveAPI, code: String, message: String, keyFile: String)
    /// data.go.kr's daily quota is spent (code 22): no calls to the API until the next KST midnight.
    case quotaExceeded(api: LiveAPI, untilUTC: Int64)
    /// Greencap's own count of today's calls reached the budget (persisted, so a restart keeps it).
    case budgetSpent(api: LiveAPI, calls: Int, limit: Int, untilUTC: Int64)
    /// The day's calls are spread out: this poll's call waits until `nextUTC` (not a fault).
    case paced(api: LiveAPI, nextUTC: Int64)
    /// The request itself is wrong (codes 10, 11, 12): a configuration or Greencap problem, never retried.
    case requestRejected(api: LiveAPI, page: Int, code: String, message: String)
    /// Any other gateway error code (01 application, 02 database, 04 HTTP, 05 timeout, 23 rate, 99 unknown).
    case gateway(api: LiveAPI, page: Int, code: String, message: String)
    case httpStatus(api: LiveAPI, page: Int, status: Int)
    case timeout(api: LiveAPI, page: Int, after: Duration)
    /// Connection refused or reset, TLS failure, or a body cut short.
    case transport(api: LiveAPI, page: Int, reason: String)
    /// The body is not the XML or JSON document it claims to be.
    case malformed(api: LiveAPI, page: Int, format: String, position: String, problem: String)
    /// One row's field is missing, not a number, or out of range: the row is rejected, the others kept.
    case badField(api: LiveAPI, page: Int, row: Int, field: String, value: String, problem: String)

    /// Whether trying the same call again soon may succeed (transport trouble, 5xx, gateway hiccups).
    public var isRetryable: Bool {
        switch self {
        case .timeout, .transport: true
        case .httpStatus(_, _, let status): status >= 500 || status == 429
        case .gateway(_, _, let code, _): ["01", "02", "04", "05", "23", "99"].contains(code)
        default: false
        }
    }

    public var api: LiveAPI? {
        switch self {
        case .keyFile: nil
        case .keyRejected(let api, _, _, _), .quotaExceeded(let api, _), .budgetSpent(let api, _, _, _),
            .paced(let api, _),
            .requestRejected(let api, _, _, _), .gateway(let api, _, _, _), .httpStatus(let api, _, _),
            .timeout(let api, _, _), .transport(let api, _, _), .malformed(let api, _, _, _, _),
            .badField(let api, _, _, _, _, _):
            api
        }
    }

    public var description: String {
        switch self {
        case .keyFile(let path, let problem):
            return "service key file \(path): \(problem)"
        case .keyRejected(let api, let code, let message, let keyFile):
            return "\(api.rawValue): data.go.kr " + Self.keyAdvice(code: code, api: api, keyFile: keyFile)
                + (message.isEmpty ? "" : " [\(message)]")
        case .quotaExceeded(let api, let until):
            return "\(api.rawValue): data.go.kr says today's call quota is used up (code 22, "
                + "LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR); no calls to it until \(Timestamp.format(until)) KST"
        case .budgetSpent(let api, let calls, let limit, let until):
            return "\(api.rawValue): \(calls) of the \(limit) calls budgeted for today are made; "
                + "no further calls until \(Timestamp.format(until)) KST (daily_limit in [[grid.live.source]])"
        case .paced(let api, let next):
            return "\(api.rawValue): spreading today's calls over the day; the next one is due at \(Timestamp.format(next)) KST"
        case .requestRejected(let api, let page, let code, let message):
            return "\(api.rawValue) page \(page): data.go.kr rejected the request (code \(code): \(message)); "
                + "check base_url and the source's settings, the request is not retried"
        case .gateway(let api, let page, let code, let message):
            return "\(api.rawValue) page \(page): data.go.kr answered error code \(code) (\(message))"
        case .httpStatus(let api, let page, let status):
            return "\(api.rawValue) page \(page): HTTP status \(status)"
                + (status == 404 ? " (check base_url: the service path was not found)" : "")
        case .timeout(let api, let page, let after):
            return "\(api.rawValue) page \(page): no complete answer within \(after) (timeout in [[grid.live.source]])"
        case .transport(let api, let page, let reason):
            return "\(api.rawValue) page \(page): \(reason)"
        case .malformed(let api, let page, let format, let position, let problem):
            return "\(api.rawValue) page \(page): malformed \(format) at \(position): \(problem)"
        case .badField(let api, let page, let row, let field, let value, let problem):
            return "\(api.rawValue) page \(page) row \(row): field '\(field)' = \"\(value)\": \(problem); row rejected"
        }
    }

    private static func keyAdvice(code: String, api: LiveAPI, keyFile: String) -> String {
        switch code {
        case "20":
            "denies access (code 20, SERVICE_ACCESS_DENIED_ERROR): the key is not approved for this API; apply for "
                + "\(api.servicePath ?? api.rawValue) on data.go.kr (some KPX APIs need review) and wait for approval"
        case "21":
            "has temporarily disabled the service key (code 21): see the key's status on data.go.kr"
        case "30":
            "says the service key is not registered (code 30, SERVICE_KEY_IS_NOT_REGISTERED_ERROR): check \(keyFile) "
                + "holds the decoded key (the portal's \"Decoding\" key; Greencap URL-encodes it once)"
        case "31":
            "says the service key has expired (code 31, DEADLINE_HAS_EXPIRED_ERROR): extend the API's use period on "
                + "data.go.kr, then restart the collector (or put a new key in \(keyFile))"
        case "32":
            "refuses this collector's IP address (code 32, UNREGISTERED_IP_ERROR): register it for the key on data.go.kr"
        default:
            "refused the service key (code \(code)): check \(keyFile) and the key's status on data.go.kr"
        }
    }
}
