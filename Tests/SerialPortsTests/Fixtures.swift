import SerialPorts

/// Ports as the catalog would build them for a rack with a mix of adapters.
enum Fixtures {
    static func ftdi(_ number: Int, serial: String?) -> SerialPort {
        let name = "ttyUSB\(number)"
        let link = serial.map { "/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_\($0)-if00-port0" }
        return SerialPort(
            name: name, devnode: "/dev/\(name)",
            sysfsPath: "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-\(number)/1-\(number):1.0/\(name)/tty/\(name)",
            kind: .usbSerial, subsystems: ["tty", "usb-serial", "usb", "usb", "usb", "pci"], driver: "ftdi_sio",
            usb: USBIdentity(
                vendorID: 0x0403, productID: 0x6001, manufacturer: "FTDI", product: "FT232R USB UART", serial: serial,
                interfaceNumber: 0, portNumber: 0),
            byID: link.map { [$0] } ?? [],
            byPath: ["/dev/serial/by-path/pci-0000:00:14.0-usb-0:\(number):1.0-port0"])
    }

    /// One FT4232H: four ports, one serial number, interfaces 0 to 3.
    static func quad(interface: Int) -> SerialPort {
        let name = "ttyUSB\(10 + interface)"
        return SerialPort(
            name: name, devnode: "/dev/\(name)", sysfsPath: "/sys/devices/pci0000:00/usb2/2-1/2-1:1.\(interface)/\(name)/tty/\(name)",
            kind: .usbSerial, subsystems: ["tty", "usb-serial", "usb", "usb", "usb", "pci"], driver: "ftdi_sio",
            usb: USBIdentity(
                vendorID: 0x0403, productID: 0x6011, manufacturer: "FTDI", product: "Quad RS232-HS", serial: "FT4Q01",
                interfaceNumber: interface, portNumber: 0),
            byID: ["/dev/serial/by-id/usb-FTDI_Quad_RS232-HS_FT4Q01-if0\(interface)-port0"],
            byPath: ["/dev/serial/by-path/pci-0000:00:14.0-usb-0:1:1.\(interface)-port0"])
    }

    /// CH340s have no serial number: two of them differ only in the socket they are plugged into.
    static func ch340(_ number: Int, socket: Int) -> SerialPort {
        let name = "ttyUSB\(20 + number)"
        return SerialPort(
            name: name, devnode: "/dev/\(name)", sysfsPath: "/sys/devices/pci0000:00/usb1/1-\(socket)/1-\(socket):1.0/\(name)/tty/\(name)",
            kind: .usbSerial, subsystems: ["tty", "usb-serial", "usb", "usb", "usb", "pci"], driver: "ch341",
            usb: USBIdentity(vendorID: 0x1a86, productID: 0x7523, product: "USB Serial", interfaceNumber: 0, portNumber: 0),
            byID: ["/dev/serial/by-id/usb-1a86_USB_Serial-if00-port0"],
            byPath: ["/dev/serial/by-path/pci-0000:00:14.0-usb-0:\(socket):1.0-port0"])
    }

    static let uart = SerialPort(
        name: "ttyS0", devnode: "/dev/ttyS0", sysfsPath: "/sys/devices/pnp0/00:00/00:00:0/00:00:0.0/tty/ttyS0", kind: .uart,
        subsystems: ["tty", "serial-base", "serial-base", "pnp"], driver: "serial", usb: nil)

    static let rack: [SerialPort] =
        [uart, ftdi(0, serial: "A10K1B2C"), ftdi(1, serial: "A10K1B2D")] + (0..<4).map(quad(interface:))
        + [ch340(0, socket: 3), ch340(1, socket: 4)]
}
