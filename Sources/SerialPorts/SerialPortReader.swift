/// Builds a `SerialPort` from a udev tty device, for the catalog and for the monitor's add events.
enum SerialPortReader {
    /// nil when the device is not a port `PortRule` admits.
    static func port(from device: UdevDevice, links: DeviceLinks) -> SerialPort? {
        guard let name = device.sysname, let kind = PortRule.kind(of: name), let syspath = device.syspath else {
            return nil
        }
        let lineage = device.lineage
        let hardware = lineage.dropFirst().first { !PortRule.transparentSubsystems.contains($0.subsystem ?? "") }
        let driver = hardware?.driver
        let uartType = kind == .uart ? device.attribute("type") : nil
        guard PortRule.admits(kind: kind, hardwareDriver: driver, uartType: uartType) else { return nil }

        // DEVNAME comes from the kernel's uevent file, so it is there without udevd; /dev/NAME is the
        // kernel's default should it ever be missing.
        let devnode = device.devnode ?? "/dev/" + name
        let stable = links.links(to: devnode, udev: device.devlinks)
        return SerialPort(
            name: name, devnode: devnode, sysfsPath: syspath, kind: kind,
            subsystems: lineage.compactMap(\.subsystem), driver: driver, usb: usbIdentity(of: device),
            byID: stable.byID, byPath: stable.byPath)
    }

    /// nil for a port with no usb_device ancestor, or one whose ids cannot be read (it is being unplugged).
    static func usbIdentity(of device: UdevDevice) -> USBIdentity? {
        guard let usbDevice = device.parent(subsystem: "usb", devtype: "usb_device"),
            let vendor = usbDevice.attribute("idVendor").flatMap({ UInt16($0, radix: 16) }),
            let product = usbDevice.attribute("idProduct").flatMap({ UInt16($0, radix: 16) })
        else { return nil }
        let interface = device.parent(subsystem: "usb", devtype: "usb_interface")
        let usbSerialPort = device.lineage.first { $0.subsystem == "usb-serial" }
        return USBIdentity(
            vendorID: vendor, productID: product,
            manufacturer: usbDevice.attribute("manufacturer"), product: usbDevice.attribute("product"),
            serial: usbDevice.attribute("serial"),
            interfaceNumber: interface?.attribute("bInterfaceNumber").flatMap { Int($0, radix: 16) },
            portNumber: usbSerialPort?.attribute("port_number").flatMap { Int($0) })
    }
}
