/// What to add to a selector that matches several ports.
enum SelectorHint {
    /// Keys worth suggesting, most stable first: a serial number survives a move to another USB socket.
    static let distinguishing: [SelectorKey] = [.serial, .interface, .product, .manufacturer, .productID, .vendorID]

    static func hint(for matches: [SerialPort], selector: SerialPortSelector) -> String {
        let unused = distinguishing.filter { $0.text(in: selector) == nil }
        for key in unused {
            let values = matches.compactMap(key.text(of:))
            if values.count == matches.count && Set(values).count == values.count {
                return "add \(key.rawValue)= to choose one"
            }
        }
        // Identical adapters without serial numbers (most CH340s): only the socket tells them apart.
        let sockets = matches.compactMap(\.byPath.first)
        if sockets.count == matches.count && Set(sockets).count == sockets.count {
            return "they have no attribute that tells them apart (no serial numbers): use device = \"\(sockets[0])\" "
                + "or another /dev/serial/by-path link, which names the USB socket"
        }
        return "they have no attribute that tells them apart: use device = with the port's device path"
    }
}
