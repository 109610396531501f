#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GreencapCore

/// A data.go.kr service key read from its credential file.
///
/// The file holds the portal's *decoded* key (it may contain `+`, `/`, `=`); Greencap percent-encodes it
/// exactly once when it builds a URL. A file that every user may read is refused, not warned about: the
/// key is a personal credential with a daily quota, and a collector that ran with a leaked key would
/// keep running that way.
public struct ServiceKey: Sendable, Equatable {
    public let value: String
    public let path: String

    public init(value: String, path: String) {
        self.value = value
        self.path = path
    }

    public static func load(path: String) throws(LiveFeedError) -> ServiceKey {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw .keyFile(path: path, problem: "cannot read it: \(String(cString: strerror(errno)))")
        }
        let mode = status.st_mode & 0o777
        if mode & 0o007 != 0 {
            throw .keyFile(
                path: path,
                problem: "every user on this machine may read it (mode \(octal(mode))); the collector refuses it: "
                    + "run `chown root:greencap \(path) && chmod 640 \(path)`")
        }
        let text: String
        do {
            text = try TextFile.read(path: path, limit: 4096)
        } catch {
            throw .keyFile(path: path, problem: "cannot read it: \(error.reason)")
        }
        let key = String(text.unicodeScalars.filter { !$0.properties.isWhitespace })
        guard !key.isEmpty else { throw .keyFile(path: path, problem: "it is empty; put the data.go.kr decoded service key in it") }
        guard key.count == text.trimmingWhitespace().count else {
            throw .keyFile(path: path, problem: "it holds more than one word; put only the decoded service key in it")
        }
        return ServiceKey(value: key, path: path)
    }

    /// The portal's *encoded* key has `%2B`, `%2F` or `%3D` in it; sent as it stands it would be encoded twice.
    public var looksURLEncoded: Bool {
        ["%2B", "%2F", "%3D", "%2b", "%2f", "%3d"].contains { value.contains($0) }
    }

    private static func octal(_ mode: mode_t) -> String {
        "0" + String(mode, radix: 8)
    }
}

extension String {
    func trimmingWhitespace() -> Substring {
        var text = self[...]
        while let first = text.unicodeScalars.first, first.properties.isWhitespace { text = text.dropFirst() }
        while let last = text.unicodeScalars.last, last.properties.isWhitespace { text = text.dropLast() }
        return text
    }
}
