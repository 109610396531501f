import Foundation
import GreencapTestSupport
import SerialPorts
import Testing

@Suite("Choosing a serial port by stable attributes")
struct SerialPortSelectorTests {
    let rack = Fixtures.rack

    @Test("vendor, product and serial number pick one adapter out of a rack")
    func serialNumber() throws {
        let selector = SerialPortSelector(vendorID: 0x0403, productID: 0x6001, serial: "A10K1B2D")
        #expect(try selector.resolve(in: rack).devnode == "/dev/ttyUSB1")
    }

    @Test("the interface number picks one port of a four-port chip")
    func interfaceOfQuad() throws {
        let selector = SerialPortSelector(serial: "FT4Q01", interfaceNumber: 2)
        #expect(try selector.resolve(in: rack).devnode == "/dev/ttyUSB12")
    }

    @Test("manufacturer and product compare without case or padding; serial numbers compare exactly")
    func textComparison() throws {
        let padded = SerialPortSelector(serial: "A10K1B2C", manufacturer: " ftdi ", product: "ft232r usb uart")
        #expect(try padded.resolve(in: rack).devnode == "/dev/ttyUSB0")
        #expect(throws: SerialPortError.self) { try SerialPortSelector(serial: "a10k1b2c").resolve(in: rack) }
    }

    @Test("no match names the selector, every adapter present and the keys where each differs")
    func noMatch() throws {
        let selector = SerialPortSelector(vendorID: 0x0403, serial: "A10K1B2E")
        let error = try #require(throws: SerialPortError.self) { try selector.resolve(in: rack) }
        guard case .noMatch(let text, let candidates) = error else {
            Issue.record("expected noMatch, got \(error)")
            return
        }
        #expect(text == "vendor_id=0403 serial=A10K1B2E")
        #expect(candidates.count == rack.count)
        let message = "\(error)"
        #expect(message.hasPrefix("no serial adapter matches vendor_id=0403 serial=A10K1B2E; adapters present: /dev/ttyS0"))
        #expect(message.contains("/dev/ttyUSB1 (vendor_id=0403 product_id=6001 serial=A10K1B2D"))
        #expect(message.contains("[differs in serial]"))
        #expect(message.contains("/dev/ttyUSB20 (vendor_id=1a86 product_id=7523 product=\"USB Serial\" interface=00, driver ch341"))
        #expect(message.contains("[differs in vendor_id, serial]"))
    }

    @Test("with nothing plugged in, the error says so and where to look")
    func nothingPresent() {
        let error = SerialPortError.noMatch(selector: "serial=X", candidates: [])
        #expect("\(error)" == "no serial adapter matches serial=X; no serial adapters are present (check `dmesg` for the USB device and its driver)")
        #expect(throws: error) { try SerialPortSelector(serial: "X").resolve(in: []) }
    }

    @Test("two matches ask for the key that tells them apart, serial number first")
    func ambiguousBySerial() throws {
        let error = try #require(throws: SerialPortError.self) {
            try SerialPortSelector(vendorID: 0x0403, productID: 0x6001).resolve(in: rack)
        }
        guard case .ambiguous(_, let matches, let hint) = error else {
            Issue.record("expected ambiguous, got \(error)")
            return
        }
        #expect(matches.count == 2)
        #expect(hint == "add serial= to choose one")
        #expect("\(error)".hasPrefix("2 serial adapters match vendor_id=0403 product_id=6001; add serial= to choose one. Matching: /dev/ttyUSB0 ("))
    }

    @Test("ports of one chip share a serial number, so the hint is the interface")
    func ambiguousByInterface() throws {
        let error = try #require(throws: SerialPortError.self) { try SerialPortSelector(serial: "FT4Q01").resolve(in: rack) }
        #expect(error == .ambiguous(selector: "serial=FT4Q01", matches: (0..<4).map { Fixtures.quad(interface: $0).description }, hint: "add interface= to choose one"))
    }

    @Test("adapters without serial numbers can only be told apart by their by-path link")
    func ambiguousWithoutSerials() throws {
        let error = try #require(throws: SerialPortError.self) { try SerialPortSelector(vendorID: 0x1a86).resolve(in: rack) }
        guard case .ambiguous(_, _, let hint) = error else {
            Issue.record("expected ambiguous, got \(error)")
            return
        }
        #expect(hint.contains("no serial numbers"))
        #expect(hint.contains("device = \"/dev/serial/by-path/pci-0000:00:14.0-usb-0:3:1.0-port0\""))
        let bySocket = SerialPortSelector(path: "/dev/serial/by-path/pci-0000:00:14.0-usb-0:4:1.0-port0")
        #expect(try bySocket.resolve(in: rack).devnode == "/dev/ttyUSB21")
    }

    @Test("a path selects by devnode or by a link the catalog reported, without touching the file system")
    func listedPaths() throws {
        #expect(try SerialPortSelector(path: "/dev/ttyUSB1").resolve(in: rack).name == "ttyUSB1")
        let byID = "/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A10K1B2C-if00-port0"
        #expect(try SerialPortSelector(path: byID).resolve(in: rack).name == "ttyUSB0")
        // Path and attributes together must agree.
        #expect(throws: SerialPortError.self) { try SerialPortSelector(path: byID, serial: "A10K1B2D").resolve(in: rack) }
    }

    @Test("a path is followed through symlinks to the port's device node")
    func symlinkedPath() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let node = try directory.write("ttyUSB5", "")
        let link = directory.path + "/pdu-bus-a"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: node)
        var port = Fixtures.ftdi(5, serial: "B")
        port.devnode = node
        port.byID = []
        port.byPath = []
        #expect(try SerialPortSelector(path: link).resolve(in: rack + [port]) == port)
    }

    @Test("a path that does not exist, or is not a listed port, is reported as such")
    func badPaths() throws {
        let missing = "/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_GONE-if00-port0"
        #expect(throws: SerialPortError.pathNotFound(path: missing, candidates: rack.map(\.description))) {
            try SerialPortSelector(path: missing).resolve(in: rack)
        }
        #expect(throws: SerialPortError.pathNotListed(path: "/dev/null", resolved: "/dev/null", candidates: rack.map(\.description))) {
            try SerialPortSelector(path: "/dev/null").resolve(in: rack)
        }
        #expect("\(SerialPortError.pathNotFound(path: missing, candidates: []))".contains("adapter unplugged"))
    }

    @Test("an empty selector is refused with what to write instead")
    func empty() {
        #expect(SerialPortSelector().isEmpty)
        #expect(throws: SerialPortError.emptySelector) { try SerialPortSelector().resolve(in: rack) }
        #expect("\(SerialPortError.emptySelector)".contains("greencap serial list"))
    }

    @Test("matches(_:) agrees with resolve for a single-key selector")
    func matches() {
        let selector = SerialPortSelector(productID: 0x6011)
        #expect(rack.filter(selector.matches).map(\.name) == ["ttyUSB10", "ttyUSB11", "ttyUSB12", "ttyUSB13"])
    }
}
