import Foundation
import GreencapTestSupport
import Logging
import SerialPorts
import Testing

@Suite("Listing this machine's serial ports")
struct SerialPortCatalogTests {
    let catalog = SerialPortCatalog(logger: Logger(label: "test"))

    @Test("the catalog lists exactly the ports a direct reading of /sys/class/tty finds, with the same details")
    func matchesSysfs() throws {
        // /sys/class/tty always has tty0 and friends: an empty listing would mean sysfs was not read at all.
        #expect(try FileManager.default.contentsOfDirectory(atPath: SysfsTTY.classDirectory).contains("tty0"))
        let expected = try SysfsTTY.readAll()
        let ports = try catalog.current()
        // On a machine with no adapters both sides are empty; on the development VM both hold ttyS0 (PnP 16550A).
        #expect(ports.map(\.name).sorted() == expected.map(\.name).sorted())
        for port in ports {
            guard let reading = expected.first(where: { $0.name == port.name }) else { continue }
            #expect(port.sysfsPath == reading.syspath)
            #expect(port.driver == reading.driver)
            #expect(port.devnode == "/dev/" + port.name)
            var status = stat()
            #expect(stat(port.devnode, &status) == 0 && (status.st_mode & S_IFMT) == S_IFCHR, "\(port.devnode) is a character device")
            #expect(port.subsystems.prefix(2) == ["tty", reading.deviceSubsystem][...])
            #expect(port.kind == PortRule.kind(of: port.name))
            if let usb = reading.usb {
                #expect(port.usb.map { USBIdentity.hex($0.vendorID) } == usb.vendor)
                #expect(port.usb.map { USBIdentity.hex($0.productID) } == usb.product)
                #expect(port.usb?.serial == usb.serial)
                #expect(port.usb?.interfaceNumber == usb.interface.flatMap { Int($0, radix: 16) })
            } else {
                #expect(port.usb == nil)
            }
        }
    }

    @Test("every listed port's /dev/serial links are reported, read from the links themselves")
    func linksFromTheFileSystem() throws {
        let ports = try catalog.current()
        // Nothing to link to on a machine without serial ports; the link scan itself is tested on its own.
        guard let port = ports.first else { return }
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        try FileManager.default.createDirectory(atPath: directory.path + "/by-path", withIntermediateDirectories: true)
        let link = directory.path + "/by-path/test-\(port.name)"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: port.devnode)
        let linked = try SerialPortCatalog(linkRoot: directory.path, logger: Logger(label: "test")).current()
        #expect(linked.first { $0.name == port.name }?.byPath.contains(link) == true)
        #expect(linked.filter { $0.name != port.name }.allSatisfy { !$0.byPath.contains(link) })
    }

    @Test("two readings in a row agree (no state carried between calls)")
    func repeatable() throws {
        #expect(try catalog.current() == catalog.current())
    }
}
