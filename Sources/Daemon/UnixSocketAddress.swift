#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A unix-domain datagram socket address written the way `NOTIFY_SOCKET` writes it: a filesystem path,
/// or `@name` for the Linux abstract namespace (the `@` becomes a leading NUL byte on the wire).
public struct UnixSocketAddress: Sendable, Equatable {
    public let text: String
    private let pathBytes: [UInt8]

    /// Nil when the address does not fit in `sun_path`.
    public init?(_ text: String) {
        var bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count < Self.capacity else { return nil }
        if bytes[0] == UInt8(ascii: "@") { bytes[0] = 0 }
        self.text = text
        self.pathBytes = bytes
    }

    public static var capacity: Int { MemoryLayout.size(ofValue: sockaddr_un().sun_path) }

    /// A new close-on-exec datagram socket, or nil with errno set.
    public static func datagramSocket() -> Int32? {
        #if canImport(Glibc)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_DGRAM, 0)
        #endif
        return fd >= 0 ? fd : nil
    }

    /// Calls `body` with the address as a `sockaddr` and its exact length.
    public func withSockaddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: pathBytes) }
        // Abstract names are not NUL-terminated: the address length carries their size.
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count + (pathBytes[0] == 0 ? 0 : 1))
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }

    /// The errno text of the last failed call, for messages.
    public static func lastError() -> String { String(cString: strerror(errno)) }
}
