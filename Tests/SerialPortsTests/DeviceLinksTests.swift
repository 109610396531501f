import Foundation
import GreencapTestSupport
import SerialPorts
import Testing

@Suite("The /dev/serial links")
struct DeviceLinksTests {
    @Test("links are found by what they resolve to and merged with udev's; dangling links are left out")
    func scan() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let manager = FileManager.default
        let node = try directory.write("ttyUSB0", "")
        for folder in ["by-id", "by-path"] {
            try manager.createDirectory(atPath: directory.path + "/\(folder)", withIntermediateDirectories: true)
        }
        let byID = directory.path + "/by-id/usb-FTDI_FT232R_USB_UART_A10K1B2C-if00-port0"
        let byPath = directory.path + "/by-path/pci-0000:00:14.0-usb-0:2:1.0-port0"
        try manager.createSymbolicLink(atPath: byID, withDestinationPath: "../ttyUSB0")
        try manager.createSymbolicLink(atPath: byPath, withDestinationPath: node)
        try manager.createSymbolicLink(atPath: directory.path + "/by-id/usb-gone-if00-port0", withDestinationPath: "../ttyUSB9")

        let links = DeviceLinks.scan(root: directory.path)
        let found = links.links(to: node, udev: ["/dev/serial/by-id/from-udev", "/dev/pdu-bus-a", byID])
        #expect(found.byID == ["/dev/serial/by-id/from-udev", byID].sorted())
        #expect(found.byPath == [byPath])
        #expect(links.links(to: directory.path + "/ttyUSB9").byID.isEmpty)
    }

    @Test("a missing /dev/serial (no udev rules ever ran) gives no links rather than an error")
    func missingRoot() {
        let links = DeviceLinks.scan(root: "/nonexistent/serial")
        #expect(links.links(to: "/dev/ttyS0").byID.isEmpty)
        #expect(links.links(to: "/dev/ttyS0").byPath.isEmpty)
    }
}
