extension SerialPortSelector {
    /// A selector from config keys as text: `vendor_id = "0403"`, `serial = "A10K1B2C"`, `path = "/dev/..."`.
    ///
    /// USB ids are hex as lsusb prints them ("0403", "0x0403"); `interface` is hex as in a by-id link's
    /// "-if00" suffix. Unknown keys are refused, so a typo cannot silently widen the match.
    public init(keys: [String: String]) throws(SerialPortError) {
        self.init()
        for (name, raw) in keys.sorted(by: { $0.key < $1.key }) {
            guard let key = SelectorKey(rawValue: name) else {
                throw .unknownSelectorKey(key: name, validKeys: SelectorKey.allCases.map(\.rawValue))
            }
            let value = raw.trimmingWhitespace()
            switch key {
            case .path:
                guard value.hasPrefix("/") else {
                    throw .invalidSelectorValue(
                        key: name, value: raw, expected: "an absolute path such as /dev/serial/by-id/usb-FTDI_...")
                }
                path = value
            case .vendorID: vendorID = try Self.usbID(name, raw)
            case .productID: productID = try Self.usbID(name, raw)
            case .interface:
                guard let number = Self.hexNumber(value, maximumDigits: 2) else {
                    throw .invalidSelectorValue(
                        key: name, value: raw, expected: "the interface number in hex, as in the by-id link's \"-if00\"")
                }
                interfaceNumber = number
            case .serial: serial = try Self.text(name, raw)
            case .manufacturer: manufacturer = try Self.text(name, raw)
            case .product: product = try Self.text(name, raw)
            }
        }
        guard !isEmpty else { throw .emptySelector }
    }

    private static func usbID(_ key: String, _ raw: String) throws(SerialPortError) -> UInt16 {
        guard let number = hexNumber(raw.trimmingWhitespace(), maximumDigits: 4) else {
            throw .invalidSelectorValue(
                key: key, value: raw, expected: "up to 4 hex digits as `lsusb` shows them, e.g. \"0403\" (FTDI)")
        }
        return UInt16(number)
    }

    private static func text(_ key: String, _ raw: String) throws(SerialPortError) -> String {
        // Serial numbers keep their exact spelling; only the padding some descriptors carry goes.
        let value = raw.trimmingWhitespace()
        guard !value.isEmpty else {
            throw .invalidSelectorValue(key: key, value: raw, expected: "a non-empty string; leave the key out to match any")
        }
        return value
    }

    private static func hexNumber(_ text: String, maximumDigits: Int) -> Int? {
        let digits = text.lowercased().hasPrefix("0x") ? String(text.dropFirst(2)) : text
        guard (1...maximumDigits).contains(digits.count), digits.allSatisfy(\.isHexDigit) else { return nil }
        return Int(digits, radix: 16)
    }
}
