import CUdev
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// libudev's context and monitor, handed from the thread that opened them to the monitor thread, which
/// alone uses and releases them (libudev objects are not thread-safe, so they never have two users).
struct UdevHandles: @unchecked Sendable {
    let udev: OpaquePointer
    let monitor: OpaquePointer
}

/// The monitor thread's work: poll() the netlink socket and a wake-up pipe, turn uevents into events.
final class MonitorLoop: Sendable {
    private let handles: UdevHandles
    private let wakeRead: Int32
    /// The pipe's write end, nil once the loop has closed both ends; the lock keeps a stop request from
    /// writing to a descriptor that is being closed (or already reused by someone else).
    private let wakeWrite: Mutex<Int32?>
    private let continuation: AsyncStream<SerialPortEvent>.Continuation
    private let linkRoot: String
    private let logger: Logger
    /// The thread's kernel id, for `ps -L` and the leak tests; 0 until the loop starts.
    let threadID = Atomic<Int32>(0)

    init(
        handles: UdevHandles, wakePipe: (read: Int32, write: Int32),
        continuation: AsyncStream<SerialPortEvent>.Continuation, linkRoot: String, logger: Logger
    ) {
        self.handles = handles
        self.wakeRead = wakePipe.read
        self.wakeWrite = Mutex(wakePipe.write)
        self.continuation = continuation
        self.linkRoot = linkRoot
        self.logger = logger
    }

    var descriptors: [Int32] {
        [udev_monitor_get_fd(handles.monitor), wakeRead, wakeWrite.withLock { $0 } ?? -1]
    }

    /// Safe from any thread, any number of times; the loop notices within one poll() wake-up.
    func requestStop() {
        wakeWrite.withLock { descriptor in
            guard let descriptor else { return }
            var byte: UInt8 = 1
            // A full pipe (many stop calls) already holds a wake-up, so a failed write loses nothing.
            _ = write(descriptor, &byte, 1)
        }
    }

    /// Runs until stopped or the socket fails, then releases everything and finishes the stream: a
    /// consumer that sees the stream end knows the socket and the pipe are closed.
    func run() {
        threadID.store(Self.currentThreadID(), ordering: .relaxed)
        defer { shutDown() }
        var watched = [
            pollfd(fd: udev_monitor_get_fd(handles.monitor), events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            if poll(&watched, nfds_t(watched.count), -1) < 0 {
                if errno == EINTR { continue }
                let reason = SerialPortError.systemReason(errno)
                logger.error("serial adapter monitor stopped: poll failed", metadata: ["reason": "\(reason)"])
                return
            }
            if watched[1].revents != 0 { return }
            if watched[0].revents & Int16(POLLNVAL) != 0 {
                logger.error("serial adapter monitor stopped: its netlink socket was closed under it")
                return
            }
            // POLLERR is how the socket reports an overrun; receiving reports it as ENOBUFS.
            if watched[0].revents != 0 { drain() }
        }
    }

    private func drain() {
        while true {
            guard let raw = udev_monitor_receive_device(handles.monitor) else {
                let code = errno
                if code == ENOBUFS {
                    logger.warning("uevents were lost (netlink buffer overrun); consumers will re-read the catalog")
                    deliver(.eventsLost)
                    continue
                }
                if code != EAGAIN && code != EWOULDBLOCK && code != 0 {
                    let reason = SerialPortError.systemReason(code)
                    logger.debug("ignored an unreadable uevent message", metadata: ["reason": "\(reason)"])
                }
                return
            }
            defer { udev_device_unref(raw) }
            handle(UdevDevice(pointer: raw))
        }
    }

    private func handle(_ device: UdevDevice) {
        switch device.action {
        case "add":
            if let port = SerialPortReader.port(from: device, links: DeviceLinks.scan(root: linkRoot)) {
                logger.info("serial adapter added", metadata: ["port": "\(port)"])
                deliver(.added(port))
            }
        case "remove":
            // Sysfs is gone by now, so the rule cannot be checked: report any name of a listed family, and
            // let the consumer ignore a devnode it never had.
            guard let name = device.sysname, PortRule.kind(of: name) != nil, let syspath = device.syspath else { return }
            let devnode = device.devnode ?? "/dev/" + name
            logger.info("serial adapter removed", metadata: ["devnode": "\(devnode)"])
            deliver(.removed(devnode: devnode, syspath: syspath))
        default:
            logger.trace(
                "uevent ignored", metadata: ["action": "\(device.action ?? "none")", "syspath": "\(device.syspath ?? "")"])
        }
    }

    private func deliver(_ event: SerialPortEvent) {
        // The stream keeps the newest events; when it had to drop one, the consumer is told to re-read.
        if case .dropped = continuation.yield(event), event != .eventsLost {
            logger.warning("serial port events dropped: the consumer is behind")
            _ = continuation.yield(.eventsLost)
        }
    }

    /// Closes the pipe and the socket and ends the stream; run() does this on its way out, and the monitor
    /// does it when the thread could not start.
    func shutDown() {
        wakeWrite.withLock { descriptor in
            if let descriptor { close(descriptor) }
            descriptor = nil
        }
        close(wakeRead)
        udev_monitor_unref(handles.monitor)
        udev_unref(handles.udev)
        continuation.finish()
    }

    /// The kernel's id for this thread: /proc/thread-self links to "PID/task/TID".
    private static func currentThreadID() -> Int32 {
        var buffer = [CChar](repeating: 0, count: 64)
        let count = readlink("/proc/thread-self", &buffer, buffer.count - 1)
        guard count > 0 else { return 0 }
        let text = String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.split(separator: "/").last.flatMap { Int32($0) } ?? 0
    }
}
