import SerialPorts
import Testing

@Suite("Which ttys are serial ports")
struct PortRuleTests {
    @Test("only ttyUSB, ttyACM and ttyS followed by a number are candidates", arguments: [
        ("ttyUSB0", SerialPort.Kind?.some(.usbSerial)), ("ttyUSB17", .usbSerial), ("ttyACM3", .usbACM), ("ttyS31", .uart),
        ("tty1", nil), ("ttyS", nil), ("ttyUSB", nil), ("ttySx1", nil), ("ttyAMA0", nil), ("ptmx", nil), ("console", nil),
        ("ttyUSB0a", nil),
    ])
    func kinds(name: String, kind: SerialPort.Kind?) {
        #expect(PortRule.kind(of: name) == kind)
    }

    @Test("a ttyS with no UART behind it (type 0, PORT_UNKNOWN) is a phantom, whatever its driver")
    func phantomUART() {
        #expect(!PortRule.admits(kind: .uart, hardwareDriver: "serial8250", uartType: "0"))
        #expect(!PortRule.admits(kind: .uart, hardwareDriver: "serial", uartType: "0"))
        #expect(PortRule.admits(kind: .uart, hardwareDriver: "serial8250", uartType: "4"), "a legacy COM port at 0x3f8 is real")
        #expect(PortRule.admits(kind: .uart, hardwareDriver: "serial", uartType: "4"))
        #expect(PortRule.admits(kind: .uart, hardwareDriver: "dw-apb-uart", uartType: nil), "non-8250 drivers may have no type")
    }

    @Test("nothing without a bound driver is listed")
    func unbound() {
        for kind in [SerialPort.Kind.usbSerial, .usbACM, .uart] {
            #expect(!PortRule.admits(kind: kind, hardwareDriver: nil, uartType: "4"))
        }
        #expect(PortRule.admits(kind: .usbSerial, hardwareDriver: "ftdi_sio", uartType: nil))
        #expect(PortRule.admits(kind: .usbACM, hardwareDriver: "cdc_acm", uartType: nil))
    }

    @Test("ports sort UARTs first, then USB-serial, then ACM, by number rather than by text")
    func order() {
        let names = ["ttyACM0", "ttyUSB10", "ttyS1", "ttyUSB2", "ttyS0"]
        let ports = names.map { name in
            SerialPort(
                name: name, devnode: "/dev/" + name, sysfsPath: "/sys/x/" + name, kind: PortRule.kind(of: name) ?? .uart,
                subsystems: ["tty"], driver: nil, usb: nil)
        }
        #expect(ports.sorted(by: PortRule.ordered).map(\.name) == ["ttyS0", "ttyS1", "ttyUSB2", "ttyUSB10", "ttyACM0"])
    }
}
