#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GreencapCore

/// A secret kept in a file of its own (a bearer token, a basic-auth password), so the config file can be
/// world-readable and the secret not. Same rule as the data.go.kr service key (`GridLive.ServiceKey`): a file
/// every user may read is refused, not warned about, because a daemon that ran with a leaked secret would
/// keep running that way.
public enum CredentialFile {
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// The file's single word, surrounding whitespace (a trailing newline) removed.
    public static func read(path: String) throws(Problem) -> String {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw Problem(path: path, reason: "cannot read it: \(String(cString: strerror(errno)))")
        }
        let mode = status.st_mode & 0o777
        if mode & 0o007 != 0 {
            throw Problem(
                path: path,
                reason: "every user on this machine may read it (mode 0\(String(mode, radix: 8))); refused: "
                    + "run `chown root:greencap \(path) && chmod 640 \(path)`")
        }
        let text: String
        do {
            text = try TextFile.read(path: path, limit: 4096)
        } catch {
            throw Problem(path: path, reason: "cannot read it: \(error.reason)")
        }
        let words = text.split(whereSeparator: { $0.isWhitespace })
        guard let secret = words.first else { throw Problem(path: path, reason: "it is empty") }
        guard words.count == 1 else { throw Problem(path: path, reason: "it holds more than one word; put only the secret in it") }
        return String(secret)
    }
}
