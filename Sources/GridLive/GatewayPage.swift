/// One page of a data.go.kr answer, in either format, reduced to what Greencap reads: the result code and
/// message (from `response.header`, or from the gateway's `OpenAPI_ServiceResponse/cmmMsgHeader` error
/// envelope), the page counters and the flat `items.item[]` rows as text.
public struct GatewayPage: Sendable, Equatable {
    /// `00` is a normal answer; `03` is "no data" (an empty page, not an error).
    public var resultCode: String
    public var resultMessage: String
    public var items: [GatewayItem]
    public var totalCount: Int?
    public var pageNo: Int?
    public var numOfRows: Int?
    /// The answer came in the gateway's error envelope rather than as a `response`.
    public var isErrorEnvelope: Bool

    public init(
        resultCode: String, resultMessage: String = "", items: [GatewayItem] = [], totalCount: Int? = nil,
        pageNo: Int? = nil, numOfRows: Int? = nil, isErrorEnvelope: Bool = false
    ) {
        self.resultCode = resultCode
        self.resultMessage = resultMessage
        self.items = items
        self.totalCount = totalCount
        self.pageNo = pageNo
        self.numOfRows = numOfRows
        self.isErrorEnvelope = isErrorEnvelope
    }

    /// Whether the code means the rows can be read (`00`; `03` "no data" reads as no rows).
    public var isNormal: Bool { ["00", "0", "03", "INFO-000"].contains(resultCode) }
}

/// One `item`: field name to text, exactly as sent (numbers are read by the mappers, which report bad ones).
public struct GatewayItem: Sendable, Equatable {
    public var fields: [String: String]

    public init(_ fields: [String: String]) { self.fields = fields }

    public subscript(field: String) -> String? { fields[field] }
}
