/// Picks the reader by what the body is, not by what was asked: the gateway answers its XML error envelope
/// even to `dataType=json`.
public enum GatewayParser {
    public static func parse(_ bytes: [UInt8], api: LiveAPI, page: Int) throws(LiveFeedError) -> GatewayPage {
        guard let first = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }) else {
            throw .malformed(api: api, page: page, format: "body", position: "byte 0", problem: "the body is empty")
        }
        switch first {
        case UInt8(ascii: "<"): return try GatewayXMLParser.parse(bytes, api: api, page: page)
        case UInt8(ascii: "{"): return try GatewayJSONParser.parse(bytes, api: api, page: page)
        default:
            let start = String(decoding: bytes.prefix(40), as: UTF8.self)
            throw .malformed(api: api, page: page, format: "body", position: "byte 0", problem: "neither XML nor JSON: starts \"\(start)\"")
        }
    }
}
