import Foundation

/// Reads data.go.kr's JSON: `{"response":{"header":{…},"body":{"items":{"item":[…]},…}}}`. The gateway
/// writes a single row as an object rather than an array, and no rows as `""`; both are accepted.
enum GatewayJSONParser {
    static func parse(_ bytes: [UInt8], api: LiveAPI, page: Int) throws(LiveFeedError) -> GatewayPage {
        let document: Any
        do {
            document = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            throw .malformed(api: api, page: page, format: "JSON", position: position(detail, length: bytes.count), problem: detail)
        }
        func bad(_ where_: String, _ problem: String) -> LiveFeedError {
            .malformed(api: api, page: page, format: "JSON", position: where_, problem: problem)
        }
        guard let root = document as? [String: Any], let response = root["response"] as? [String: Any] else {
            throw bad("the top level", "no \"response\" object")
        }
        guard let header = response["header"] as? [String: Any], let code = header["resultCode"].flatMap(text) else {
            throw bad("response.header", "no resultCode")
        }
        var result = GatewayPage(resultCode: code, resultMessage: header["resultMsg"].flatMap(text) ?? "")
        guard let body = response["body"] as? [String: Any] else {
            if result.isNormal { throw bad("response.body", "missing") }
            return result
        }
        for (name, keyPath) in [("totalCount", \GatewayPage.totalCount), ("pageNo", \.pageNo), ("numOfRows", \.numOfRows)] {
            guard let raw = body[name], !(raw is NSNull) else { continue }
            guard let value = text(raw).flatMap({ Int($0) }), value >= 0 else {
                throw bad("response.body.\(name)", "\(raw) is not a count")
            }
            result[keyPath: keyPath] = value
        }
        let rows: [Any]
        switch body["items"] {
        case nil, is NSNull: rows = []
        case let empty as String where empty.isEmpty: rows = []
        case let items as [String: Any]:
            switch items["item"] {
            case nil, is NSNull: rows = []
            case let array as [Any]: rows = array
            case let single as [String: Any]: rows = [single]
            default: throw bad("response.body.items.item", "neither a row nor an array of rows")
            }
        case let array as [Any]: rows = array
        default: throw bad("response.body.items", "not an object")
        }
        for (index, row) in rows.enumerated() {
            guard let object = row as? [String: Any] else { throw bad("response.body.items.item[\(index)]", "not an object") }
            var fields: [String: String] = [:]
            for (key, value) in object { fields[key] = text(value) ?? "<\(type(of: value))>" }
            result.items.append(GatewayItem(fields))
        }
        return result
    }

    /// Foundation names the place in its message ("around line 3, column 7") for most faults, not for a
    /// body cut short; then the end of the body is the place.
    static func position(_ detail: String, length: Int) -> String {
        if let range = detail.range(of: #"line \d+, column \d+"#, options: .regularExpression) { return String(detail[range]) }
        if detail.lowercased().contains("end of file") { return "the end of the body (byte \(length))" }
        return "the document"
    }

    /// A JSON scalar as text: strings as they are, numbers as written, null as blank.
    static func text(_ value: Any) -> String? {
        switch value {
        case let string as String: string
        case is NSNull: ""
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }
}
