/// Which tty devices the catalog lists as serial ports.
///
/// A machine has dozens of ttys; only three families are RS-485 capable hardware. ttyUSB and ttyACM exist
/// only while their USB device is bound, so their presence is enough. ttyS is different: the 8250 driver
/// registers `nr_uarts` ports (often 32 in a VM) whether or not a UART answers at them. Those phantoms
/// report UART type 0 (PORT_UNKNOWN) and fail open() with EIO, so a ttyS is listed only when the device
/// it hangs off has a driver bound and its UART type is known.
package enum PortRule {
    /// Kernels from 6.5 put serial-base "ctrl" and "port" devices between a ttyS and its hardware; they
    /// say nothing about the hardware, so the rule looks past them.
    package static let transparentSubsystems: Set<String> = ["serial-base"]

    /// The family a kernel name belongs to; nil for names the catalog never lists (tty1, ptmx, ttyAMA0...).
    package static func kind(of name: String) -> SerialPort.Kind? {
        for (prefix, kind) in [("ttyUSB", SerialPort.Kind.usbSerial), ("ttyACM", .usbACM), ("ttyS", .uart)] {
            guard name.hasPrefix(prefix) else { continue }
            let number = name.dropFirst(prefix.count)
            return !number.isEmpty && number.allSatisfy(\.isASCIIDigit) ? kind : nil
        }
        return nil
    }

    /// - Parameters:
    ///   - hardwareDriver: the driver bound to the nearest ancestor outside `transparentSubsystems`.
    ///   - uartType: the tty's `type` attribute (serial_core ports only); "0" is PORT_UNKNOWN.
    package static func admits(kind: SerialPort.Kind, hardwareDriver: String?, uartType: String?) -> Bool {
        guard hardwareDriver != nil else { return false }
        switch kind {
        case .usbSerial, .usbACM: return true
        case .uart: return uartType != "0"
        }
    }

    /// ttyS2 before ttyS10, and UARTs, then USB-serial, then ACM.
    package static func ordered(_ first: SerialPort, _ second: SerialPort) -> Bool {
        let order: [SerialPort.Kind] = [.uart, .usbSerial, .usbACM]
        let firstRank = order.firstIndex(of: first.kind) ?? 0
        let secondRank = order.firstIndex(of: second.kind) ?? 0
        if firstRank != secondRank { return firstRank < secondRank }
        let firstNumber = Int(first.name.drop { !$0.isASCIIDigit }) ?? 0
        let secondNumber = Int(second.name.drop { !$0.isASCIIDigit }) ?? 0
        return firstNumber != secondNumber ? firstNumber < secondNumber : first.name < second.name
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
