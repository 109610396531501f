/// One serial port an RS-485 bus can be opened on, with the attributes that identify it across reboots
/// and re-plugs (a `/dev/ttyUSB0` name is handed out in plug order, so it does not).
public struct SerialPort: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// ttyUSB*: a USB-serial converter (FTDI, CH340, CP210x, PL2303...) through the usb-serial drivers.
        case usbSerial = "usb-serial"
        /// ttyACM*: a USB CDC ACM device (many RS-485 dongles and microcontroller boards).
        case usbACM = "usb-acm"
        /// ttyS*: a UART on the mainboard, a PCI card or the BMC's serial-over-LAN port.
        case uart
    }

    /// The kernel's name: "ttyUSB0".
    public var name: String
    /// "/dev/ttyUSB0".
    public var devnode: String
    /// "/sys/devices/pci0000:00/.../ttyUSB0/tty/ttyUSB0".
    public var sysfsPath: String
    public var kind: Kind
    /// Subsystems from the tty device up to the root, e.g. ["tty", "usb-serial", "usb", "usb", "pci"].
    public var subsystems: [String]
    /// The driver that owns the port: "ftdi_sio", "cdc_acm", "serial" (8250 on PnP/PCI)...
    public var driver: String?
    /// nil for ports that are not on USB.
    public var usb: USBIdentity?
    /// /dev/serial/by-id links to this port: stable for an adapter with a serial number.
    public var byID: [String]
    /// /dev/serial/by-path links: stable for the physical USB socket the adapter is plugged into.
    public var byPath: [String]

    public init(
        name: String, devnode: String, sysfsPath: String, kind: Kind, subsystems: [String], driver: String?,
        usb: USBIdentity?, byID: [String] = [], byPath: [String] = []
    ) {
        self.name = name
        self.devnode = devnode
        self.sysfsPath = sysfsPath
        self.kind = kind
        self.subsystems = subsystems
        self.driver = driver
        self.usb = usb
        self.byID = byID
        self.byPath = byPath
    }

    public var links: [String] { byID + byPath }

    /// One line naming the port with every attribute a selector can use, for listings and error messages.
    public var description: String {
        var details: [String] = []
        if let usb { details.append(usb.description) }
        if let driver { details.append("driver \(driver)") }
        if let link = byID.first ?? byPath.first { details.append(link) }
        return details.isEmpty ? devnode : "\(devnode) (\(details.joined(separator: ", ")))"
    }
}

/// What the USB device behind a port says about itself, from the usb_device and usb_interface parents.
public struct USBIdentity: Sendable, Hashable, CustomStringConvertible {
    public var vendorID: UInt16
    public var productID: UInt16
    public var manufacturer: String?
    /// The model string, e.g. "FT232R USB UART".
    public var product: String?
    /// Absent on many cheap adapters (CH340): those can only be told apart by by-path.
    public var serial: String?
    /// bInterfaceNumber: which port of a multi-port chip (FT4232H has interfaces 0 to 3).
    public var interfaceNumber: Int?
    /// usb-serial's port_number, for drivers with several ports on one interface.
    public var portNumber: Int?

    public init(
        vendorID: UInt16, productID: UInt16, manufacturer: String? = nil, product: String? = nil,
        serial: String? = nil, interfaceNumber: Int? = nil, portNumber: Int? = nil
    ) {
        self.vendorID = vendorID
        self.productID = productID
        self.manufacturer = manufacturer
        self.product = product
        self.serial = serial
        self.interfaceNumber = interfaceNumber
        self.portNumber = portNumber
    }

    /// The selector keys and values, in the form a config file takes them.
    public var description: String {
        var parts = ["vendor_id=\(USBIdentity.hex(vendorID))", "product_id=\(USBIdentity.hex(productID))"]
        if let serial { parts.append("serial=\(serial)") }
        if let manufacturer { parts.append("manufacturer=\"\(manufacturer)\"") }
        if let product { parts.append("product=\"\(product)\"") }
        if let interfaceNumber { parts.append("interface=\(USBIdentity.interfaceText(interfaceNumber))") }
        return parts.joined(separator: " ")
    }

    /// Four lowercase hex digits, as lsusb and sysfs write USB ids.
    public static func hex(_ id: UInt16) -> String {
        let digits = String(id, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
