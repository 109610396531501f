/// The keys of a selector, named as in the config file, and how each compares with a port.
public enum SelectorKey: String, Sendable, CaseIterable {
    case path
    case vendorID = "vendor_id"
    case productID = "product_id"
    case serial
    case manufacturer
    case product
    case interface

    /// The selector's value for this key, as a config file writes it; nil when not set.
    func text(in selector: SerialPortSelector) -> String? {
        switch self {
        case .path: selector.path
        case .vendorID: selector.vendorID.map(USBIdentity.hex)
        case .productID: selector.productID.map(USBIdentity.hex)
        case .serial: selector.serial
        case .manufacturer: selector.manufacturer
        case .product: selector.product
        case .interface: selector.interfaceNumber.map(USBIdentity.interfaceText)
        }
    }

    /// The port's value for this key as text, for telling ports apart; nil when the port has none.
    func text(of port: SerialPort) -> String? {
        switch self {
        case .path: port.devnode
        case .vendorID: port.usb.map { USBIdentity.hex($0.vendorID) }
        case .productID: port.usb.map { USBIdentity.hex($0.productID) }
        case .serial: port.usb?.serial
        case .manufacturer: port.usb?.manufacturer
        case .product: port.usb?.product
        case .interface: port.usb?.interfaceNumber.map(USBIdentity.interfaceText)
        }
    }

    /// Whether `port` has the value `selector` asks for under this key.
    func value(of port: SerialPort, matches selector: SerialPortSelector, pathTarget: String?) -> Bool {
        switch self {
        case .path:
            guard let path = selector.path else { return true }
            if port.devnode == path || port.links.contains(path) { return true }
            guard let pathTarget else { return false }
            return (FileSystem.realPath(port.devnode) ?? port.devnode) == pathTarget
        case .vendorID: return selector.vendorID == nil || selector.vendorID == port.usb?.vendorID
        case .productID: return selector.productID == nil || selector.productID == port.usb?.productID
        case .serial: return selector.serial == nil || selector.serial == port.usb?.serial
        case .manufacturer: return Self.sameText(selector.manufacturer, port.usb?.manufacturer)
        case .product: return Self.sameText(selector.product, port.usb?.product)
        case .interface: return selector.interfaceNumber == nil || selector.interfaceNumber == port.usb?.interfaceNumber
        }
    }

    private static func sameText(_ wanted: String?, _ actual: String?) -> Bool {
        guard let wanted else { return true }
        guard let actual else { return false }
        return wanted.trimmingWhitespace().lowercased() == actual.trimmingWhitespace().lowercased()
    }
}

extension USBIdentity {
    /// Two hex digits, as sysfs's bInterfaceNumber and the by-id link's "-if00" suffix write it.
    static func interfaceText(_ number: Int) -> String {
        let digits = String(number, radix: 16)
        return digits.count < 2 ? "0" + digits : digits
    }
}
