import Foundation

/// The serial ports of this machine read straight from /sys/class/tty, without libudev, to check the
/// catalog against. Written from the rule in docs/serial-ports.md, not from the catalog's code.
struct SysfsTTY {
    var name: String
    var syspath: String
    var deviceSubsystem: String
    var driver: String
    var usb: (vendor: String, product: String, serial: String?, interface: String?)?

    static let classDirectory = "/sys/class/tty"

    /// Every /sys/class/tty entry named ttyUSB<n>, ttyACM<n> or ttyS<n> whose device (past any serial-base
    /// devices) has a driver, leaving out ttyS ports whose UART type is 0.
    static func readAll() throws -> [SysfsTTY] {
        let names = try FileManager.default.contentsOfDirectory(atPath: classDirectory)
        return names.sorted().compactMap(read)
    }

    static func read(_ name: String) -> SysfsTTY? {
        guard name.wholeMatch(of: /tty(USB|ACM|S)[0-9]+/) != nil else { return nil }
        let entry = classDirectory + "/" + name
        guard let syspath = canonical(entry), let device = canonical(entry + "/device") else { return nil }
        var hardware = device
        while linkName(hardware + "/subsystem") == "serial-base" {
            hardware = (hardware as NSString).deletingLastPathComponent
        }
        guard let driver = linkName(hardware + "/driver") else { return nil }
        if name.hasPrefix("ttyS"), contents(entry + "/type") == "0" { return nil }
        return SysfsTTY(
            name: name, syspath: syspath, deviceSubsystem: linkName(device + "/subsystem") ?? "", driver: driver,
            usb: usbAttributes(above: device))
    }

    /// The nearest directory above `path` holding idVendor (the usb_device), and bInterfaceNumber on the way.
    private static func usbAttributes(above path: String) -> (String, String, String?, String?)? {
        var directory = path
        var interface: String?
        while directory.count > "/sys/devices".count {
            if interface == nil { interface = contents(directory + "/bInterfaceNumber") }
            if let vendor = contents(directory + "/idVendor"), let product = contents(directory + "/idProduct") {
                return (vendor, product, contents(directory + "/serial"), interface)
            }
            directory = (directory as NSString).deletingLastPathComponent
        }
        return nil
    }

    static func canonical(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func linkName(_ path: String) -> String? {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else { return nil }
        return (target as NSString).lastPathComponent
    }

    static func contents(_ path: String) -> String? {
        (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
