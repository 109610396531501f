import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads data.go.kr's XML with Foundation's `XMLParser` (libxml2 underneath, already a dependency of the
/// Swift toolchain on Linux). The shape is flat, so a small delegate that tracks the element path is enough.
enum GatewayXMLParser {
    static func parse(_ bytes: [UInt8], api: LiveAPI, page: Int) throws(LiveFeedError) -> GatewayPage {
        let parser = XMLParser(data: Data(bytes))
        let reader = Reader()
        parser.delegate = reader
        parser.shouldResolveExternalEntities = false
        let ok = parser.parse()
        if !ok || reader.problem != nil {
            let problem = reader.problem ?? parser.parserError.map(describe) ?? "the XML parser stopped"
            // Where libxml2 was when it met the fault; the parser's own position afterwards is the end of the body.
            let (line, column) = reader.errorPosition ?? (parser.lineNumber, parser.columnNumber)
            throw .malformed(api: api, page: page, format: "XML", position: "line \(line), column \(column)", problem: problem)
        }
        guard let root = reader.root else {
            throw .malformed(api: api, page: page, format: "XML", position: "line 1, column 1", problem: "no root element")
        }
        guard let code = reader.code else {
            throw .malformed(
                api: api, page: page, format: "XML", position: "line \(parser.lineNumber), column \(parser.columnNumber)",
                problem: "<\(root)> has no result code (response/header/resultCode or cmmMsgHeader/returnReasonCode)")
        }
        return GatewayPage(
            resultCode: code, resultMessage: reader.message, items: reader.items, totalCount: reader.totalCount,
            pageNo: reader.pageNo, numOfRows: reader.numOfRows, isErrorEnvelope: root == "OpenAPI_ServiceResponse")
    }

    /// libxml2's error numbers (XMLParser's codes are the same) for the faults a broken answer shows.
    private static let faults: [Int: String] = [
        4: "the document is empty", 5: "the document ends early (truncated?)", 9: "an invalid character",
        23: "an unfinished attribute", 41: "an attribute without a value", 68: "a start tag not closed",
        73: "'>' expected", 76: "an end tag that does not match its start tag",
        77: "an element not closed before the end of the body",
    ]

    private static func describe(_ error: any Error) -> String {
        let code = (error as NSError).code
        if let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String { return text }
        return "not well-formed: \(faults[code] ?? "libxml2 error \(code)")"
    }

    /// Confined to the one `parse()` call that owns it.
    private final class Reader: NSObject, XMLParserDelegate {
        var root: String?
        var path: [String] = []
        var text = ""
        var item: [String: String]?
        var items: [GatewayItem] = []
        var code: String?
        var message = ""
        var authMessage = ""
        var totalCount: Int?
        var pageNo: Int?
        var numOfRows: Int?
        var problem: String?
        var errorPosition: (Int, Int)?

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
            if errorPosition == nil { errorPosition = (parser.lineNumber, parser.columnNumber) }
        }

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            if root == nil {
                root = elementName
                if elementName != "response" && elementName != "OpenAPI_ServiceResponse" {
                    problem = "unexpected root element <\(elementName)> (expected <response> or <OpenAPI_ServiceResponse>)"
                    errorPosition = (parser.lineNumber, parser.columnNumber)
                    parser.abortParsing()
                }
            }
            if elementName == "item" && path.last == "items" { item = [:] }
            path.append(elementName)
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) { text += String(decoding: CDATABlock, as: UTF8.self) }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            path.removeLast()
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            let parent = path.last
            if elementName == "item" && parent == "items", let item {
                items.append(GatewayItem(item))
                self.item = nil
            } else if item != nil && parent == "item" {
                item?[elementName] = value
            } else {
                switch (parent, elementName) {
                case ("header", "resultCode"), ("cmmMsgHeader", "returnReasonCode"): code = value
                case ("header", "resultMsg"), ("cmmMsgHeader", "errMsg"): message = message.isEmpty ? value : "\(value); \(message)"
                case ("cmmMsgHeader", "returnAuthMsg"): message = message.isEmpty ? value : "\(message); \(value)"
                case ("body", "totalCount"): totalCount = counter(value, elementName, parser)
                case ("body", "pageNo"): pageNo = counter(value, elementName, parser)
                case ("body", "numOfRows"): numOfRows = counter(value, elementName, parser)
                default: break
                }
            }
            text = ""
        }

        private func counter(_ value: String, _ name: String, _ parser: XMLParser) -> Int? {
            guard let number = Int(value), number >= 0 else {
                problem = "<\(name)> is \"\(value)\", not a count"
                errorPosition = (parser.lineNumber, parser.columnNumber)
                parser.abortParsing()
                return nil
            }
            return number
        }
    }
}
