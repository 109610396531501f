#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GreencapConfig
import GreencapCore

/// `greencap-collector token add|list|revoke`: edits the tokens file the running collector reads (it
/// notices the change within a second). The file is rewritten whole, to a temporary file in the same
/// directory with mode 600 and renamed over the old one, so the collector never reads half a file.
public enum TokenFileEditor {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    /// Adds a token and returns its secret (the only time it exists outside its holder's hands).
    public static func add(path: String, name: String, role: APIRole, validFor: Duration?, now: Int64 = Timestamp.nowMilliseconds() / 1000)
        throws(Failure) -> (secret: String, entry: APITokenEntry)
    {
        guard APITokensFile.isValidName(name) else {
            throw Failure("token name '\(name)': use 1 to 64 characters from A-Z a-z 0-9 - _ . (it is the author name in audit records)")
        }
        var entries = try load(path: path, missingIsEmpty: true)
        guard !entries.contains(where: { $0.name == name }) else {
            throw Failure("\(path) already has a token named '\(name)'; revoke it first (token revoke --name \(name)) or pick another name")
        }
        let secret = TokenSecret.generate()
        let entry = APITokenEntry(
            name: name, role: role, sha256: TokenSecret.hash(secret), created: now, expires: validFor.map { now + $0.components.seconds })
        entries.append(entry)
        try save(entries, to: path)
        return (secret, entry)
    }

    public static func list(path: String) throws(Failure) -> [APITokenEntry] { try load(path: path, missingIsEmpty: false) }

    /// Removes the token named `name`; the collector refuses it within a second (or at once on SIGHUP).
    public static func revoke(path: String, name: String) throws(Failure) -> APITokenEntry {
        var entries = try load(path: path, missingIsEmpty: false)
        guard let index = entries.firstIndex(where: { $0.name == name }) else {
            throw Failure("\(path) has no token named '\(name)' (token list shows the names)")
        }
        let removed = entries.remove(at: index)
        try save(entries, to: path)
        return removed
    }

    private static func load(path: String, missingIsEmpty: Bool) throws(Failure) -> [APITokenEntry] {
        if missingIsEmpty && !FileManager.default.fileExists(atPath: path) { return [] }
        do {
            return try APITokensFile.load(path: path)
        } catch {
            throw Failure(error.issues.map(\.description).joined(separator: "\n"))
        }
    }

    private static func save(_ entries: [APITokenEntry], to path: String) throws(Failure) {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = (directory.isEmpty ? "." : directory) + "/.\((path as NSString).lastPathComponent).\(getpid()).tmp"
        let bytes = Array(APITokensFile.render(entries).utf8)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == bytes.count, synced == 0 else {
            unlink(temporary)
            throw Failure("cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw Failure("cannot replace \(path): \(reason)")
        }
    }
}
