import GreencapCore

/// One synchronous poll of one device on a link of its own: the commissioning commands, the scanner and
/// the benchmark use it. Blocks the calling thread (up to the timeouts), so it is not for async contexts.
public struct ModbusSinglePoll {
    public struct Result {
        public var decoder: ProfileDecoder
        public var values: [PointValue]
        public var readings: [Reading]
        public var error: String?
        public var timestamp: Int64
        public var requests: Int
        public var base: Int
    }

    public let settings: ModbusDeviceSettings
    public let endpoint: ModbusEndpoint

    public init(settings: ModbusDeviceSettings, endpoint: ModbusEndpoint) {
        self.settings = settings
        self.endpoint = endpoint
    }

    public func run() -> Result {
        let link = BusLink(endpoint: endpoint)
        defer { link.close() }
        return poll(on: link, session: DeviceSession(settings: settings))
    }

    /// Polls `count` times on one connection (the benchmark's loop); returns the last result.
    public func repeated(_ count: Int) -> Result {
        let link = BusLink(endpoint: endpoint)
        defer { link.close() }
        let session = DeviceSession(settings: settings)
        var result = poll(on: link, session: session)
        for _ in 1..<max(count, 1) where result.error == nil { result = poll(on: link, session: session) }
        return result
    }

    func poll(on link: BusLink, session: DeviceSession) -> Result {
        let outcome = session.poll(on: link, retries: settings.connection.retries)
        let now = Timestamp.nowMilliseconds()
        let requests = link.connection?.requestCount ?? 0
        switch outcome {
        case .read(let image, let base):
            let values = session.decoder.decode(image, base: base)
            return Result(
                decoder: session.decoder, values: values, readings: session.decoder.readings(values, device: settings.name, timestamp: now),
                error: nil, timestamp: now, requests: requests, base: base)
        case .failed(let error, let request):
            return Result(decoder: session.decoder, values: [], readings: [], error: "\(request): \(error)", timestamp: now, requests: requests, base: 0)
        case .mismatch(let reason):
            return Result(decoder: session.decoder, values: [], readings: [], error: reason, timestamp: now, requests: requests, base: 0)
        }
    }
}
