import ArgumentParser
import Foundation
import Logging
import SerialPorts

/// `greencap modbus ports`: the serial adapters on this machine, with the stable attributes a bus config
/// can name instead of /dev/ttyUSB0.
struct ModbusPortsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ports", abstract: "List serial adapters (ttyUSB, ttyACM, ttyS) with vendor, model, serial and /dev/serial links.")

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let ports: [SerialPort]
        do {
            ports = try SerialPortCatalog(logger: cliLogger()).current()
        } catch {
            throw CLIError("\(error)")
        }
        if json {
            try printJSON(ports.map(PortEntry.init))
            return
        }
        guard !ports.isEmpty else {
            print("no serial adapters found")
            return
        }
        var rows = [["DEVICE", "KIND", "DRIVER", "VENDOR:PRODUCT", "MANUFACTURER / PRODUCT", "SERIAL", "STABLE LINK"]]
        for port in ports {
            rows.append([
                port.devnode, port.kind.rawValue, port.driver ?? "—",
                port.usb.map { "\(USBIdentity.hex($0.vendorID)):\(USBIdentity.hex($0.productID))" } ?? "—",
                port.usb.map { [$0.manufacturer, $0.product].compactMap { $0 }.joined(separator: " / ") } ?? "—",
                port.usb?.serial ?? "—",
                port.byID.first ?? port.byPath.first ?? "—",
            ])
        }
        print(table(rows))
    }

    struct PortEntry: Encodable {
        var device: String
        var kind: String
        var driver: String?
        var sysfs: String
        var vendorID: String?
        var productID: String?
        var manufacturer: String?
        var product: String?
        var serial: String?
        var interface: Int?
        var byID: [String]
        var byPath: [String]

        init(_ port: SerialPort) {
            device = port.devnode
            kind = port.kind.rawValue
            driver = port.driver
            sysfs = port.sysfsPath
            vendorID = port.usb.map { USBIdentity.hex($0.vendorID) }
            productID = port.usb.map { USBIdentity.hex($0.productID) }
            manufacturer = port.usb?.manufacturer
            product = port.usb?.product
            serial = port.usb?.serial
            interface = port.usb?.interfaceNumber
            byID = port.byID
            byPath = port.byPath
        }
    }
}
