/// Names one serial port by what stays true about it, rather than by the order adapters were plugged in.
///
/// Every key given must match. `path` may be a device node or any symlink to one (a by-id or by-path link,
/// or a link of a local udev rule); the others compare with the USB device's own attributes.
public struct SerialPortSelector: Sendable, Hashable, CustomStringConvertible {
    public var path: String?
    public var vendorID: UInt16?
    public var productID: UInt16?
    /// Compared exactly: serial numbers are case-sensitive.
    public var serial: String?
    /// Compared ignoring case and surrounding spaces, as descriptors are often padded.
    public var manufacturer: String?
    public var product: String?
    public var interfaceNumber: Int?

    public init(
        path: String? = nil, vendorID: UInt16? = nil, productID: UInt16? = nil, serial: String? = nil,
        manufacturer: String? = nil, product: String? = nil, interfaceNumber: Int? = nil
    ) {
        self.path = path
        self.vendorID = vendorID
        self.productID = productID
        self.serial = serial
        self.manufacturer = manufacturer
        self.product = product
        self.interfaceNumber = interfaceNumber
    }

    public var isEmpty: Bool { given.isEmpty }

    /// The keys given, as a config file writes them: `vendor_id=0403 serial=A10K1B2C product="FT232R USB UART"`.
    public var description: String {
        given.map { $0.text.contains(" ") ? "\($0.key.rawValue)=\"\($0.text)\"" : "\($0.key.rawValue)=\($0.text)" }
            .joined(separator: " ")
    }

    /// Whether `port` satisfies every key; `path` is compared through symlinks.
    public func matches(_ port: SerialPort) -> Bool {
        differences(from: port, pathTarget: path.flatMap(FileSystem.realPath)).isEmpty
    }

    /// The one port in `ports` this selector names.
    ///
    /// Throws, listing every port present with what sets it apart, when none matches or several do.
    public func resolve(in ports: [SerialPort]) throws(SerialPortError) -> SerialPort {
        guard !isEmpty else { throw .emptySelector }
        // A path that is a listed devnode or link needs no file system; any other must exist to resolve.
        var pathTarget: String?
        if let path, !ports.contains(where: { $0.devnode == path || $0.links.contains(path) }) {
            guard let resolved = FileSystem.realPath(path) else {
                throw .pathNotFound(path: path, candidates: ports.map(\.description))
            }
            pathTarget = resolved
        }
        let matching = ports.filter { differences(from: $0, pathTarget: pathTarget).isEmpty }
        if matching.count == 1 { return matching[0] }
        if matching.count > 1 {
            let hint = SelectorHint.hint(for: matching, selector: self)
            throw .ambiguous(selector: description, matches: matching.map(\.description), hint: hint)
        }
        if let path, let pathTarget, given.count == 1 {
            throw .pathNotListed(path: path, resolved: pathTarget, candidates: ports.map(\.description))
        }
        throw .noMatch(
            selector: description,
            candidates: ports.map { port in
                let differing = differences(from: port, pathTarget: pathTarget).map(\.rawValue)
                return "\(port) [differs in \(differing.joined(separator: ", "))]"
            })
    }

    /// The keys whose values `port` does not have.
    func differences(from port: SerialPort, pathTarget: String?) -> [SelectorKey] {
        given.compactMap { entry in
            entry.key.value(of: port, matches: self, pathTarget: pathTarget) ? nil : entry.key
        }
    }

    /// The keys that are set, in `SelectorKey` order, with their values as text.
    var given: [(key: SelectorKey, text: String)] {
        SelectorKey.allCases.compactMap { key in key.text(in: self).map { (key, $0) } }
    }
}
