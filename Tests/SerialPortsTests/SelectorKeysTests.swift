import SerialPorts
import Testing

@Suite("Selector keys from a config file")
struct SelectorKeysTests {
    @Test("every key is read; ids are hex with or without 0x, interface as in the by-id suffix")
    func allKeys() throws {
        let selector = try SerialPortSelector(keys: [
            "vendor_id": "0x0403", "product_id": "6001", "serial": " A10K1B2C ", "manufacturer": "FTDI",
            "product": "FT232R USB UART", "interface": "00", "path": "/dev/serial/by-id/usb-FTDI-if00-port0",
        ])
        #expect(selector == SerialPortSelector(
            path: "/dev/serial/by-id/usb-FTDI-if00-port0", vendorID: 0x0403, productID: 0x6001, serial: "A10K1B2C",
            manufacturer: "FTDI", product: "FT232R USB UART", interfaceNumber: 0))
        #expect("\(selector)" == "path=/dev/serial/by-id/usb-FTDI-if00-port0 vendor_id=0403 product_id=6001 serial=A10K1B2C manufacturer=FTDI product=\"FT232R USB UART\" interface=00")
        #expect(try SerialPortSelector(keys: ["vendor_id": "1A86"]).vendorID == 0x1a86)
        #expect(try SerialPortSelector(keys: ["interface": "0a"]).interfaceNumber == 10)
    }

    @Test("bad values are refused, naming the key and the expected form", arguments: [
        ("vendor_id", "04031", "up to 4 hex digits"),
        ("product_id", "FTDI", "up to 4 hex digits"),
        ("vendor_id", "", "up to 4 hex digits"),
        ("interface", "100", "interface number in hex"),
        ("serial", "  ", "non-empty string"),
        ("path", "ttyUSB0", "absolute path"),
    ])
    func badValues(key: String, value: String, expected: String) throws {
        let error = try #require(throws: SerialPortError.self) { try SerialPortSelector(keys: [key: value]) }
        guard case .invalidSelectorValue(let badKey, let badValue, let reason) = error else {
            Issue.record("expected invalidSelectorValue, got \(error)")
            return
        }
        #expect(badKey == key && badValue == value)
        #expect(reason.contains(expected))
    }

    @Test("an unknown key is refused with the list of valid ones")
    func unknownKey() {
        #expect(throws: SerialPortError.unknownSelectorKey(
            key: "serial_number",
            validKeys: ["path", "vendor_id", "product_id", "serial", "manufacturer", "product", "interface"])
        ) {
            try SerialPortSelector(keys: ["serial_number": "A10K1B2C"])
        }
    }

    @Test("no keys at all is the empty-selector error")
    func noKeys() {
        #expect(throws: SerialPortError.emptySelector) { try SerialPortSelector(keys: [:]) }
    }
}
