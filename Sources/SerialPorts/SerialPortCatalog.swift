import CUdev
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Lists the serial ports present now, from sysfs through libudev.
///
/// Each call reads sysfs afresh with its own udev context (libudev contexts are not thread-safe), so it
/// can be called from any thread; it takes a few milliseconds and does not need a thread of its own.
public struct SerialPortCatalog: Sendable {
    private let logger: Logger
    private let linkRoot: String

    public init(logger: Logger) {
        self.init(linkRoot: DeviceLinks.defaultRoot, logger: logger)
    }

    /// `linkRoot` replaces /dev/serial, where the by-id and by-path links are read.
    package init(linkRoot: String, logger: Logger) {
        self.logger = logger
        self.linkRoot = linkRoot
    }

    /// Every port `PortRule` admits, UARTs first, then USB-serial, then ACM, each in number order.
    public func current() throws(SerialPortError) -> [SerialPort] {
        guard let udev = udev_new() else { throw .udevUnavailable(reason: SerialPortError.systemReason(errno)) }
        defer { udev_unref(udev) }
        guard let enumerate = udev_enumerate_new(udev) else {
            throw .enumerationFailed(reason: SerialPortError.systemReason(errno))
        }
        defer { udev_enumerate_unref(enumerate) }
        udev_enumerate_add_match_subsystem(enumerate, "tty")
        let scanned = udev_enumerate_scan_devices(enumerate)
        guard scanned >= 0 else { throw .enumerationFailed(reason: SerialPortError.systemReason(-scanned)) }

        let links = DeviceLinks.scan(root: linkRoot)
        var ports: [SerialPort] = []
        var entry = udev_enumerate_get_list_entry(enumerate)
        while let current = entry {
            entry = udev_list_entry_get_next(current)
            guard let syspath = UdevDevice.string(udev_list_entry_get_name(current)),
                let name = syspath.split(separator: "/").last, PortRule.kind(of: String(name)) != nil
            else { continue }
            // The device can vanish between the scan and this read (unplugged): skip it, it was never here.
            guard let raw = udev_device_new_from_syspath(udev, syspath) else {
                logger.debug("tty device vanished while listing", metadata: ["syspath": "\(syspath)"])
                continue
            }
            defer { udev_device_unref(raw) }
            if let port = SerialPortReader.port(from: UdevDevice(pointer: raw), links: links) {
                ports.append(port)
            } else {
                logger.trace("tty device is not a usable serial port", metadata: ["syspath": "\(syspath)"])
            }
        }
        return ports.sorted(by: PortRule.ordered)
    }
}
