#if canImport(Glibc)
import Glibc
#endif

/// Why a serial port could not be listed, chosen or watched, with what to do about it.
public enum SerialPortError: Error, Sendable, Hashable, CustomStringConvertible {
    /// udev_new failed: libudev itself could not start.
    case udevUnavailable(reason: String)
    /// Scanning sysfs for tty devices failed.
    case enumerationFailed(reason: String)
    /// The hot-plug monitor could not open or subscribe its netlink socket.
    case monitorUnavailable(source: String, reason: String)
    /// A selector with no keys at all.
    case emptySelector
    case unknownSelectorKey(key: String, validKeys: [String])
    case invalidSelectorValue(key: String, value: String, expected: String)
    /// Nothing present matches; `candidates` describes every port that is.
    case noMatch(selector: String, candidates: [String])
    /// More than one port matches; `hint` names the key that would tell them apart.
    case ambiguous(selector: String, matches: [String], hint: String)
    /// A configured device path that does not exist.
    case pathNotFound(path: String, candidates: [String])
    /// A configured path that exists but is not a port the catalog lists (a phantom ttyS, a pty...).
    case pathNotListed(path: String, resolved: String, candidates: [String])

    public var description: String {
        switch self {
        case .udevUnavailable(let reason):
            "cannot start libudev: \(reason). Check that /sys is mounted (containers need it read-only at least)"
        case .enumerationFailed(let reason):
            "cannot list tty devices in /sys: \(reason). Check that /sys is mounted and readable"
        case .monitorUnavailable(let source, let reason):
            "cannot watch for serial adapters (\(source) netlink events): \(reason). Adapters plugged in later are "
                + "found only on restart; in a container, run it in the host's network namespace"
        case .emptySelector:
            "the serial port selector is empty: give device = \"/dev/serial/by-id/...\" or serial = { vendor_id = ..., "
                + "product_id = ..., serial = ... } (`greencap serial list` shows the values)"
        case .unknownSelectorKey(let key, let valid):
            "unknown serial port key '\(key)': use one of \(valid.joined(separator: ", "))"
        case .invalidSelectorValue(let key, let value, let expected):
            "serial port key \(key) = \"\(value)\" is not valid: \(expected)"
        case .noMatch(let selector, let candidates):
            "no serial adapter matches \(selector); \(Self.present(candidates))"
        case .ambiguous(let selector, let matches, let hint):
            "\(matches.count) serial adapters match \(selector); \(hint). Matching: \(matches.joined(separator: "; "))"
        case .pathNotFound(let path, let candidates):
            "serial device \(path) does not exist (adapter unplugged, or a mistyped link name); \(Self.present(candidates))"
        case .pathNotListed(let path, let resolved, let candidates):
            "serial device \(path) (\(resolved)) is not a serial adapter Greencap recognises (ttyUSB, ttyACM, or a ttyS "
                + "with a UART behind it); \(Self.present(candidates))"
        }
    }

    private static func present(_ candidates: [String]) -> String {
        candidates.isEmpty
            ? "no serial adapters are present (check `dmesg` for the USB device and its driver)"
            : "adapters present: \(candidates.joined(separator: "; "))"
    }

    /// strerror's text for an errno value.
    static func systemReason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
