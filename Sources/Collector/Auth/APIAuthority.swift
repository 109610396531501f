import Foundation
import GreencapConfig
import GreencapCore
import Hummingbird
import Logging
import Synchronization

/// Who made an API request.
public struct APICaller: Sendable, Equatable {
    /// The token's name (the author in cap changes), or "anonymous" on a collector without tokens.
    public var name: String
    public var role: APIRole
    public var anonymous: Bool
}

/// Decides who a request comes from and whether its role suffices (docs/cli.md, "Roles and tokens").
///
/// Without `[api] tokens_file`, reads are open (an anonymous viewer; `[http]` listens on loopback by default)
/// and every write is refused. With it, every `/api/v1` request needs a bearer token from the file. The file
/// is looked at again when its size, mtime or inode changes (one `stat` per request at most once a second)
/// and on SIGHUP; a file that became unusable leaves the tokens last loaded in force and is logged.
public final class APIAuthority: Sendable {
    public let tokensFile: String?
    private let logger: Logger
    private let now: @Sendable () -> Int64
    private let state = Mutex<State>(State())

    private struct State {
        var entries: [APITokenEntry] = []
        /// Why the file could not be used; set only while no version of it ever loaded.
        var unusable: String?
        var signature: FileSignature?
        var lastProblem: String?
        var lastCheck: Int64 = .min
    }

    /// - Parameter now: Unix seconds.
    public init(tokensFile: String?, logger: Logger, now: @escaping @Sendable () -> Int64 = { Timestamp.nowMilliseconds() / 1000 }) {
        self.tokensFile = tokensFile
        self.logger = logger
        self.now = now
        reload()
    }

    /// Reads the tokens file now (start, SIGHUP).
    public func reload() {
        guard let path = tokensFile else { return }
        let signature = FileSignature.of(path)
        do {
            let entries = try APITokensFile.load(path: path)
            state.withLock { state in
                state.entries = entries
                state.unusable = nil
                state.signature = signature
                state.lastProblem = nil
            }
            logger.notice("api tokens loaded", metadata: ["file": "\(path)", "tokens": "\(entries.count)"])
        } catch {
            let problem = error.issues.map(\.description).joined(separator: "; ")
            let repeated = state.withLock { state in
                defer {
                    state.lastProblem = problem
                    state.signature = signature
                }
                if state.signature == nil { state.unusable = problem }
                return state.lastProblem == problem
            }
            if !repeated { logger.error("api tokens file not loaded; the tokens loaded before stay in force", metadata: ["problem": "\(problem)"]) }
        }
    }

    private func reloadIfChanged() {
        guard let path = tokensFile else { return }
        let second = now()
        let due = state.withLock { state in
            defer { state.lastCheck = second }
            return state.lastCheck != second
        }
        guard due else { return }
        let signature = FileSignature.of(path)
        if state.withLock({ $0.signature != signature }) { reload() }
    }

    /// The caller of `request` if its token (or the absence of a tokens file) allows `role`; otherwise the
    /// 401/403/503 that says why and what to do.
    func authorize(_ request: Request, needs role: APIRole, action: String) throws(APIError) -> APICaller {
        guard let path = tokensFile else {
            guard role <= .energy else {
                throw APIError(
                    .forbidden, "\(action) needs role \(role), and this collector has no API tokens, so it accepts reads only",
                    hint: "set [api] tokens_file in collector.toml and create a token: greencap-collector token add --tokens-file FILE --name NAME --role \(role)")
            }
            return APICaller(name: "anonymous", role: .viewer, anonymous: true)
        }
        reloadIfChanged()
        guard let header = request.headers[.authorization] else {
            throw APIError(
                .unauthorized, "no API token: this collector requires 'Authorization: Bearer <token>' on /api/v1",
                hint: "pass --token/--token-file or set GREENCAP_TOKEN; an admin creates tokens with greencap-collector token add")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
            throw APIError(.unauthorized, "the Authorization header is not 'Bearer <token>'", hint: "send: Authorization: Bearer <token>")
        }
        let hash = TokenSecret.hash(String(parts[1]).trimmingCharacters(in: .whitespaces))
        let (entries, unusable) = state.withLock { ($0.entries, $0.unusable) }
        if let unusable, entries.isEmpty {
            throw APIError(.serviceUnavailable, "the collector's tokens file cannot be used: \(unusable)", hint: "fix \(path); it is re-read when it changes")
        }
        // Every entry is compared, so the time taken does not say which (or whether any) matched.
        var found: APITokenEntry?
        for entry in entries where TokenSecret.constantTimeEqual(entry.sha256, hash) { found = entry }
        guard let token = found else {
            throw APIError(.unauthorized, "unknown API token: it was revoked, mistyped, or is for another collector", hint: "ask an admin for a token: greencap-collector token list shows the names in force")
        }
        if let expires = token.expires, expires <= now() {
            throw APIError(
                .unauthorized, "API token '\(token.name)' expired at \(Timestamp.formatRFC3339(expires))",
                hint: "ask an admin for a new token: greencap-collector token add --name \(token.name) ...")
        }
        guard token.role >= role else {
            throw APIError(
                .forbidden, "\(action) needs role \(role) or higher; token '\(token.name)' has role \(token.role)",
                hint: "ask an admin for a token with role \(role)")
        }
        return APICaller(name: token.name, role: token.role, anonymous: false)
    }
}
