#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One state line of the sd_notify protocol (see sd_notify(3)).
public enum NotifyState: Sendable, Equatable {
    case ready
    case reloading
    case stopping
    case watchdog
    case status(String)

    var line: String {
        switch self {
        case .ready: "READY=1"
        // systemd ≥ 253 wants MONOTONIC_USEC with RELOADING=1 (Type=notify-reload); older ones ignore it.
        case .reloading: "RELOADING=1\nMONOTONIC_USEC=\(monotonicMicroseconds())"
        case .stopping: "STOPPING=1"
        case .watchdog: "WATCHDOG=1"
        case .status(let text): "STATUS=" + text.replacing("\n", with: " ")
        }
    }
}

/// Sends sd_notify datagrams to `$NOTIFY_SOCKET` by hand, so the daemons need no libsystemd.
///
/// A path starting with `@` is an abstract socket (the `@` becomes a leading NUL byte). When the variable
/// is unset (not started by systemd) every call is a cheap no-op.
public struct SystemdNotifier: Sendable {
    public let socketPath: String?

    public init(socketPath: String?) {
        self.socketPath = socketPath.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Reads `NOTIFY_SOCKET` from the process environment.
    public static func fromEnvironment() -> SystemdNotifier {
        SystemdNotifier(socketPath: getenv("NOTIFY_SOCKET").map { String(cString: $0) })
    }

    public var isEnabled: Bool { socketPath != nil }

    /// Sends all states in one datagram. Returns the errno text on failure, nil on success or when disabled;
    /// a daemon must keep working when the notify socket is gone, so failures are reported, never thrown.
    @discardableResult
    public func notify(_ states: NotifyState...) -> String? {
        notify(states)
    }

    @discardableResult
    public func notify(_ states: [NotifyState]) -> String? {
        guard let socketPath else { return nil }
        let message = states.map(\.line).joined(separator: "\n")
        guard let address = UnixSocketAddress(socketPath) else {
            return "NOTIFY_SOCKET path is longer than \(UnixSocketAddress.capacity - 1) bytes"
        }
        guard let fd = UnixSocketAddress.datagramSocket() else { return UnixSocketAddress.lastError() }
        defer { close(fd) }
        let sent = message.withCString { text in
            address.withSockaddr { socketAddress, length in
                sendto(fd, text, strlen(text), Int32(MSG_NOSIGNAL), socketAddress, length)
            }
        }
        return sent < 0 ? UnixSocketAddress.lastError() : nil
    }
}

func monotonicMicroseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
}
