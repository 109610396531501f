/// Builds request URLs. Every parameter value is percent-encoded exactly once (RFC 3986 unreserved
/// characters stay as they are), so a decoded service key's `+`, `/` and `=` reach data.go.kr intact.
public enum QueryString {
    public static func encode(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                encoded.unicodeScalars.append("%")
                encoded.unicodeScalars.append(hex[Int(byte >> 4)])
                encoded.unicodeScalars.append(hex[Int(byte & 0xF)])
            }
        }
        return encoded
    }

    /// `base/path?k=v&…` in the order given.
    public static func url(base: String, path: String, parameters: [(String, String)]) -> String {
        var url = base
        while url.hasSuffix("/") { url.removeLast() }
        url += "/" + path
        if !parameters.isEmpty {
            url += "?" + parameters.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
        }
        return url
    }
}
