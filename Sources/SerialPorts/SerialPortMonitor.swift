import CUdev
import GreencapCore
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Reports serial adapters as they come and go, from udev's netlink events, on a thread of its own.
///
/// The thread blocks in poll(), so it never holds one of Swift's cooperative threads. Read `events` from
/// one task; after an `.eventsLost`, re-read `SerialPortCatalog.current()`. The stream ends when `stop()` is
/// called, the consumer stops iterating, or the socket fails (logged); by then the thread has closed its
/// descriptors. A monitor is not restarted: make a new one.
public final class SerialPortMonitor: Sendable {
    public let events: AsyncStream<SerialPortEvent>
    public let source: Source
    private let loop: MonitorLoop

    /// Events buffered for a slow consumer before the oldest are dropped (and `.eventsLost` is sent).
    public static let bufferedEvents = 256

    public convenience init(source: Source = .udev, logger: Logger) throws(SerialPortError) {
        try self.init(source: source, linkRoot: DeviceLinks.defaultRoot, logger: logger)
    }

    /// `linkRoot` replaces /dev/serial, where the by-id and by-path links of added ports are read.
    package init(source: Source, linkRoot: String, logger: Logger) throws(SerialPortError) {
        self.source = source
        let handles = try Self.open(source)
        guard let pipeEnds = Self.wakePipe() else {
            let reason = SerialPortError.systemReason(errno)
            udev_monitor_unref(handles.monitor)
            udev_unref(handles.udev)
            throw .monitorUnavailable(source: source.rawValue, reason: "cannot create its wake-up pipe: \(reason)")
        }
        let (stream, continuation) = AsyncStream.makeStream(
            of: SerialPortEvent.self, bufferingPolicy: .bufferingNewest(Self.bufferedEvents))
        events = stream
        let loop = MonitorLoop(
            handles: handles, wakePipe: pipeEnds, continuation: continuation, linkRoot: linkRoot,
            logger: logger)
        self.loop = loop
        continuation.onTermination = { _ in loop.requestStop() }
        let thread = DedicatedThread(name: "serial-monitor")
        // The loop is the thread's only job: the thread ends when the loop returns.
        let started = thread.submit { loop.run() }
        thread.stop()
        guard started else {
            loop.shutDown()
            throw .monitorUnavailable(source: source.rawValue, reason: "cannot start its thread")
        }
        if source == .udev && access("/run/udev/control", F_OK) != 0 {
            logger.warning(
                """
                udevd does not seem to be running (/run/udev/control is missing): no hot-plug events will arrive \
                from it; adapters plugged in later are found by re-reading the catalog, or by a monitor with source kernel
                """)
        }
        logger.debug("watching for serial adapters", metadata: ["source": "\(source.rawValue)"])
    }

    deinit { stop() }

    /// Asks the thread to finish; returns at once. `events` ends once the thread has closed its socket.
    public func stop() {
        loop.requestStop()
    }

    /// The thread's kernel id and the descriptors it holds (netlink socket, wake-up pipe), for leak checks.
    package var resources: (threadID: Int32, descriptors: [Int32]) {
        (loop.threadID.load(ordering: .relaxed), loop.descriptors)
    }

    /// Non-blocking (a stop request never waits) and close-on-exec (a child process must not hold it).
    /// Glibc's Swift module does not export pipe2, hence the fcntl calls.
    private static func wakePipe() -> (read: Int32, write: Int32)? {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return nil }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
        }
        return (ends[0], ends[1])
    }

    private static func open(_ source: Source) throws(SerialPortError) -> UdevHandles {
        guard let udev = udev_new() else { throw .udevUnavailable(reason: SerialPortError.systemReason(errno)) }
        guard let monitor = udev_monitor_new_from_netlink(udev, source.rawValue) else {
            let reason = SerialPortError.systemReason(errno)
            udev_unref(udev)
            throw .monitorUnavailable(source: source.rawValue, reason: "cannot open a netlink socket: \(reason)")
        }
        let handles = UdevHandles(udev: udev, monitor: monitor)
        // A larger buffer rides out a burst (a hub with eight adapters re-enumerating); failure is harmless.
        _ = udev_monitor_set_receive_buffer_size(monitor, 1 << 20)
        let filtered = udev_monitor_filter_add_match_subsystem_devtype(monitor, "tty", nil)
        let enabled = filtered < 0 ? filtered : udev_monitor_enable_receiving(monitor)
        guard enabled >= 0 else {
            udev_monitor_unref(monitor)
            udev_unref(udev)
            throw .monitorUnavailable(source: source.rawValue, reason: SerialPortError.systemReason(-enabled))
        }
        return handles
    }
}
