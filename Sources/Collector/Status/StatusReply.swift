/// `GET /api/v1/status`'s answer: the collector encodes it, `greencap status` decodes the same type.
public struct StatusReply: Codable, Sendable {
    public struct Node: Codable, Sendable {
        public var node: String
        public var site: String?
        public var row: String?
        public var rack: String?
        public var powerWatts: Double?
        public var capWatts: Double?
        public var sampleTime: APITime?
        public var lastSeen: APITime
        public var policyId: String?
        public var policyOutcome: String?
        /// When the node's newest policy lapses unless renewed (sent + [policy] lease).
        public var leaseExpires: APITime?
    }

    public var time: APITime
    public var greenScore: Double?
    public var greenScoreUpdated: APITime?
    public var nodes: [Node]
}
