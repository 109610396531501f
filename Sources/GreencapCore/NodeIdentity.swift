/// Where a node sits in the facility. Caps are set per site, row, rack or node, so every sample and every
/// cap carries this placement.
public struct NodeIdentity: Sendable, Hashable, CustomStringConvertible {
    public var id: String
    public var site: String?
    public var row: String?
    public var rack: String?

    public init(id: String, site: String? = nil, row: String? = nil, rack: String? = nil) {
        self.id = id
        self.site = site
        self.row = row
        self.rack = rack
    }

    /// `site/row/rack/id`, leaving out the levels that are not configured.
    public var description: String {
        [site, row, rack, id].compactMap { $0 }.joined(separator: "/")
    }

    /// Node ids travel in protocol frames, file names and metric labels: keep them to a safe alphabet.
    public static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 64 else { return false }
        return name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
    }
}
