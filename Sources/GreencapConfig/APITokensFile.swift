#if canImport(Glibc)
import Glibc
#endif
import GreencapCore
import TOML

/// One API token as stored: the SHA-256 of its secret (hex), never the secret itself.
public struct APITokenEntry: Sendable, Equatable {
    public var name: String
    public var role: APIRole
    /// Lower-case hex SHA-256 of the secret the holder sends as `Authorization: Bearer <secret>`.
    public var sha256: String
    /// Unix seconds.
    public var created: Int64
    /// Unix seconds; nil: until revoked.
    public var expires: Int64?

    public init(name: String, role: APIRole, sha256: String, created: Int64, expires: Int64?) {
        self.name = name
        self.role = role
        self.sha256 = sha256
        self.created = created
        self.expires = expires
    }
}

/// `[api] tokens_file`: one `[[token]]` table per token, written by `greencap-collector token add` (docs/cli.md).
///
/// ```toml
/// [[token]]
/// name = "alice"
/// role = "engineer"
/// sha256 = "9f86d08188..."   # of the secret; the secret is printed once and never stored
/// created = "2026-11-21T09:00:00Z"
/// expires = "2027-02-19T09:00:00Z"
/// ```
/// A file any user may read is refused (like node keys and credential files): the hashes are not the secrets,
/// but who holds which role, and a hash to grind offline against, are not for every local account.
public enum APITokensFile {
    /// Token names: the author name in audit records, so the same characters as node and rack names.
    public static func isValidName(_ name: String) -> Bool { NodeIdentity.isValidName(name) }

    public static func load(path: String) throws(ConfigError) -> [APITokenEntry] {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw .unreadable(file: path, reason: String(cString: strerror(errno)))
        }
        let mode = status.st_mode & 0o777
        if mode & 0o007 != 0 {
            throw .unreadable(
                file: path,
                reason: "every user on this machine may read it (mode 0\(String(mode, radix: 8))); refused: run `chmod 600 \(path)` "
                    + "(or `chown root:greencap \(path) && chmod 640 \(path)`)")
        }
        return try parse(path: path, text: nil)
    }

    /// `text` nil reads `path`; otherwise `text` is parsed and `path` only names it in errors.
    public static func parse(path: String, text: String?) throws(ConfigError) -> [APITokenEntry] {
        try loadConfig(path: path, text: text) { root in
            var entries: [APITokenEntry] = []
            var seenNames = Set<String>()
            var seenHashes = Set<String>()
            for table in root.tables("token") {
                let name = table.string("name", expected: "the token's name (the author in audit records)")
                let roleText = table.choice("role", from: APIRole.allCases.map(\.rawValue))
                let hash = table.string("sha256", expected: "64 lower-case hex digits")
                let created = time(table, "created")
                let expires = time(table, "expires")
                if table.entry("name") == nil { table.missing("name", "the token's name") }
                if table.entry("role") == nil { table.missing("role", "one of viewer, energy, engineer, admin") }
                if table.entry("sha256") == nil { table.missing("sha256", "the SHA-256 of the token's secret") }
                if table.entry("created") == nil { table.missing("created", "an RFC 3339 date-time") }
                if let name, !isValidName(name) {
                    table.invalid("name", "expected 1 to 64 characters from A-Z a-z 0-9 - _ ., found \"\(name)\"")
                } else if let name, !seenNames.insert(name).inserted {
                    table.invalid("name", "a second token named \"\(name)\": names identify authors, so they must be unique")
                }
                if let hash, !(hash.utf8.count == 64 && hash.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }) {
                    table.invalid("sha256", "expected 64 lower-case hex digits, found \(hash.utf8.count) characters")
                } else if let hash, !seenHashes.insert(hash).inserted {
                    table.invalid("sha256", "the same hash as an earlier token: one secret cannot hold two names")
                }
                table.finish()
                if let name, let roleText, let role = APIRole(rawValue: roleText), let hash, let created {
                    entries.append(APITokenEntry(name: name, role: role, sha256: hash, created: created, expires: expires))
                }
            }
            return entries
        }
    }

    /// The file's text for `entries` (token add/revoke rewrite the whole file).
    public static func render(_ entries: [APITokenEntry]) -> String {
        var text = "# Greencap API tokens ([api] tokens_file). Managed by `greencap-collector token add|list|revoke`.\n"
        text += "# Each holds the SHA-256 of a secret, never the secret; keep this file mode 600.\n"
        for entry in entries {
            text += "\n[[token]]\nname = \"\(entry.name)\"\nrole = \"\(entry.role)\"\nsha256 = \"\(entry.sha256)\"\n"
            text += "created = \"\(Timestamp.formatRFC3339(entry.created))\"\n"
            if let expires = entry.expires { text += "expires = \"\(Timestamp.formatRFC3339(expires))\"\n" }
        }
        return text
    }

    private static func time(_ table: TableReader, _ key: String) -> Int64? {
        guard let entry = table.entry(key) else { return nil }
        let text: String
        switch entry.value.kind {
        case .string(let value), .datetime(let value): text = value
        default:
            table.wrongType(entry, expected: "an RFC 3339 date-time such as \"2026-11-21T09:00:00Z\"")
            return nil
        }
        guard let seconds = Timestamp.parseRFC3339(text) else {
            table.invalid(key, "expected an RFC 3339 date-time such as \"2026-11-21T09:00:00Z\", found \"\(text)\"")
            return nil
        }
        return seconds
    }
}
