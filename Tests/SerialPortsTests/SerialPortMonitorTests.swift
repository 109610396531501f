import Foundation
import Logging
import SerialPorts
import Testing

@Suite("Watching for serial adapters", .serialized)
struct SerialPortMonitorTests {
    /// The udev-source monitors warn that no udevd runs here; that is expected, so only errors are shown.
    let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .error
        return logger
    }()

    @Test("stop ends the stream, and by then the thread is gone and its socket and pipe are closed",
          arguments: [SerialPortMonitor.Source.udev, .kernel])
    func stopReleasesEverything(source: SerialPortMonitor.Source) async throws {
        let monitor = try SerialPortMonitor(source: source, logger: logger)
        #expect(await MonitorProbes.eventually { monitor.resources.threadID != 0 }, "the thread starts")
        let (threadID, descriptors) = monitor.resources
        let held = MonitorProbes.identities(of: descriptors)
        #expect(held.count == 2, "a netlink socket and a pipe (both ends): \(held)")
        #expect(held.contains { $0.hasPrefix("socket:[") } && held.contains { $0.hasPrefix("pipe:[") })
        #expect(MonitorProbes.threadExists(threadID))

        monitor.stop()
        monitor.stop()
        let (_, finished) = await MonitorProbes.drain(monitor.events)
        #expect(finished, "the stream finishes after stop()")
        #expect(MonitorProbes.openIdentities().isDisjoint(with: held), "no descriptor of the monitor is still open")
        #expect(await MonitorProbes.eventually { !MonitorProbes.threadExists(threadID) }, "thread \(threadID) exits")
    }

    @Test("a consumer that stops iterating stops the thread too")
    func consumerCancels() async throws {
        let monitor = try SerialPortMonitor(logger: logger)
        #expect(await MonitorProbes.eventually { monitor.resources.threadID != 0 })
        let threadID = monitor.resources.threadID
        let reader = Task { for await _ in monitor.events {} }
        try await Task.sleep(for: .milliseconds(20))
        reader.cancel()
        await reader.value
        #expect(await MonitorProbes.eventually { !MonitorProbes.threadExists(threadID) })
    }

    @Test("a monitor that is dropped without stop() still ends its thread")
    func droppedMonitor() async throws {
        var monitor: SerialPortMonitor? = try SerialPortMonitor(logger: logger)
        #expect(await MonitorProbes.eventually { monitor?.resources.threadID != 0 })
        let threadID = monitor?.resources.threadID ?? 0
        let held = MonitorProbes.identities(of: monitor?.resources.descriptors ?? [])
        monitor = nil
        #expect(await MonitorProbes.eventually { !MonitorProbes.threadExists(threadID) })
        #expect(MonitorProbes.openIdentities().isDisjoint(with: held))
    }

    @Test("many monitors started and stopped leave no threads or descriptors behind")
    func repeatedStartStop() async throws {
        let before = MonitorProbes.openIdentities()
        var threads: [Int32] = []
        for _ in 0..<20 {
            let monitor = try SerialPortMonitor(logger: logger)
            #expect(await MonitorProbes.eventually { monitor.resources.threadID != 0 })
            threads.append(monitor.resources.threadID)
            monitor.stop()
            #expect(await MonitorProbes.drain(monitor.events).finished)
        }
        #expect(await MonitorProbes.eventually { threads.allSatisfy { !MonitorProbes.threadExists($0) } })
        let leaked = MonitorProbes.openIdentities().subtracting(before).filter { $0.hasPrefix("socket:[") || $0.hasPrefix("pipe:[") }
        #expect(leaked.isEmpty, "descriptors opened and not closed: \(leaked)")
    }

    // Writing "add" to a device's uevent file makes the kernel send a synthetic add event, as
    // `udevadm trigger --action=add` does. Root only; left to machines without udevd, where nothing acts on it.
    @Test("kernel events: a synthetic add for a real port arrives as .added with the catalog's details",
          .enabled(if: MonitorProbes.isRoot && !MonitorProbes.udevdRunning, "needs root and no udevd"))
    func kernelAddEvent() async throws {
        let ports = try SerialPortCatalog(logger: logger).current()
        guard let port = ports.first else { return }
        let monitor = try SerialPortMonitor(source: .kernel, logger: logger)
        defer { monitor.stop() }
        try "add\n".write(toFile: port.sysfsPath + "/uevent", atomically: false, encoding: .utf8)
        let events = await MonitorProbes.collect(1, from: monitor.events)
        #expect(events == [.added(port)])
    }

    // The default source listens for udevd's messages. With no udevd here, the test plays its part.
    @Test("udev events: adds with udev's links, removes, and ttys that are not serial ports are skipped",
          .enabled(if: MonitorProbes.isRoot && !MonitorProbes.udevdRunning, "needs root, and no udevd to confuse"))
    func udevEvents() async throws {
        let ports = try SerialPortCatalog(logger: logger).current()
        let monitor = try SerialPortMonitor(source: .udev, logger: logger)
        defer { monitor.stop() }
        let byID = "/dev/serial/by-id/usb-Greencap_Test_Adapter_T3ST-if00-port0"
        try FakeUdevd.broadcast([
            "ACTION": "add", "DEVPATH": "/devices/virtual/tty/tty5", "SUBSYSTEM": "tty", "DEVNAME": "/dev/tty5",
            "SEQNUM": "1",
        ])
        if let port = ports.first {
            try FakeUdevd.broadcast([
                "ACTION": "add", "DEVPATH": String(port.sysfsPath.dropFirst("/sys".count)), "SUBSYSTEM": "tty",
                "DEVNAME": port.devnode, "DEVLINKS": byID, "SEQNUM": "2",
            ])
        }
        let usbPath = "/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/ttyUSB7/tty/ttyUSB7"
        try FakeUdevd.broadcast([
            "ACTION": "remove", "DEVPATH": usbPath, "SUBSYSTEM": "tty", "DEVNAME": "/dev/ttyUSB7", "SEQNUM": "3",
        ])
        let expectedCount = ports.isEmpty ? 1 : 2
        let events = await MonitorProbes.collect(expectedCount, from: monitor.events)
        try #require(events.count == expectedCount, "got \(events)")
        if var port = ports.first {
            port.byID = [byID]
            #expect(events[0] == .added(port), "the first event is the serial port, not tty5")
        }
        #expect(events.last == .removed(devnode: "/dev/ttyUSB7", syspath: "/sys" + usbPath))
    }
}
