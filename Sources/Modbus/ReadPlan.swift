/// The requests that read a profile's blocks: each block split into as few requests as the device's
/// `max_registers_per_read` allows.
public struct ReadPlan: Sendable, Equatable {
    public struct Request: Sendable, Equatable {
        public var block: String
        public var registerType: RegisterType
        public var start: Int
        public var count: Int
        public var period: Block.Period
    }

    public var requests: [Request]

    public init(profile: DeviceProfile, maxRegistersPerRead: Int) {
        var requests: [Request] = []
        for block in profile.blocks {
            // Bits pack 16 to a register's worth of frame, so the same frame-size limit allows 16 times as many.
            let limit = block.registerType.isBit
                ? min(block.registerType.protocolReadLimit, maxRegistersPerRead * 16)
                : min(block.registerType.protocolReadLimit, maxRegistersPerRead)
            var start = block.start
            while start < block.end {
                let count = min(limit, block.end - start)
                requests.append(Request(block: block.id, registerType: block.registerType, start: start, count: count, period: block.period))
                start += count
            }
        }
        self.requests = requests
    }

    public func offset(by base: Int) -> ReadPlan {
        var plan = self
        for index in plan.requests.indices { plan.requests[index].start += base }
        return plan
    }
}
