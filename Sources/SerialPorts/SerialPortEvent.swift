/// A change in the set of serial ports, as the monitor reports it.
public enum SerialPortEvent: Sendable, Hashable {
    /// A port appeared (adapter plugged in, or driver loaded), with the same details the catalog gives.
    case added(SerialPort)
    /// A port went away. Only its names are left: its sysfs attributes are already gone.
    case removed(devnode: String, syspath: String)
    /// Events were lost, because the kernel's socket buffer overflowed or the consumer fell behind: read
    /// `SerialPortCatalog.current()` again and compare it with what you have.
    case eventsLost
}

extension SerialPortMonitor {
    /// Where events come from.
    public enum Source: String, Sendable {
        /// udevd's events, sent after its rules ran: the /dev/serial links exist by then. The default.
        case udev
        /// The kernel's own uevents, which arrive even where no udevd runs (some containers), but before
        /// udev has made any links.
        case kernel
    }
}
