import GreencapCore
import CModbus
#if canImport(Glibc)
import Glibc
#endif

extension ModbusSinglePoll {
    /// A poll loop on one connection that the caller steps one poll at a time, so `greencap modbus bench`
    /// can alternate devices and time each cycle. Each step runs exactly what `repeated(_:)` runs.
    public func loop() -> Loop { Loop(poll: self) }

    /// Not thread-safe: the link and session belong to the thread that steps the loop.
    public final class Loop {
        private let poll: ModbusSinglePoll
        private let link: BusLink
        private let session: DeviceSession

        init(poll: ModbusSinglePoll) {
            self.poll = poll
            self.link = BusLink(endpoint: poll.endpoint)
            self.session = DeviceSession(settings: poll.settings)
        }

        deinit { link.close() }

        /// One poll: the requests, the register image, the decode and the readings.
        public func next() -> Result { poll.poll(on: link, session: session) }

        /// Requests sent on the current connection.
        public var requestsSent: Int { link.connection?.requestCount ?? 0 }

        /// Connections opened so far: more than one means the link broke and was reopened.
        public var connectionsOpened: Int { link.opens }
    }
}

/// The benchmark's peer: plain libmodbus sending the same requests as a device's poll, with nothing of
/// ours around it (no pacing, retries, register image, decoding or readings). What a hand-written C
/// client would cost, so the poll stack's overhead can be read as a ratio.
public final class RawModbusLoop {
    private let context: OpaquePointer
    private let requests: [ReadPlan.Request]
    // One buffer for every request, as a C client would keep, so the peer allocates nothing per request.
    private var words = [UInt16](repeating: 0, count: RegisterType.holding.protocolReadLimit)
    private var bits = [UInt8](repeating: 0, count: RegisterType.coil.protocolReadLimit)
    private var connected = false

    /// Connects now; `requests` are sent in order on every `cycle()`.
    public init(endpoint: ModbusEndpoint, unit: UInt8, requests: [ReadPlan.Request], responseTimeout: Duration) throws(ModbusError) {
        guard case .tcp(let host, let port) = endpoint else { throw .invalidRequest("the raw loop speaks Modbus TCP only, not \(endpoint)") }
        if let bad = requests.first(where: { $0.count < 1 || $0.count > $0.registerType.protocolReadLimit }) {
            throw .invalidRequest("\(bad.count) \(bad.registerType.rawValue) from \(bad.start)")
        }
        // The same constructor the stack's ModbusConnection uses, so both sides connect the same way.
        guard let made = modbus_new_tcp_pi(host, String(port)) else {
            let code = errno
            throw .invalidRequest("libmodbus refused the endpoint \(endpoint): \(ModbusError.errorText(code))")
        }
        context = made
        self.requests = requests
        let (seconds, micros) = ModbusConnection.timeoutParts(responseTimeout)
        modbus_set_response_timeout(context, seconds, micros)
        modbus_set_slave(context, Int32(unit))
        // Every stored property is set by now, so a throw below still runs deinit, which frees the context.
        guard modbus_connect(context) == 0 else {
            let code = errno
            throw .connectFailed("\(endpoint): \(ModbusError.errorText(code))")
        }
        connected = true
    }

    deinit {
        if connected { modbus_close(context) }
        modbus_free(context)
    }

    public var requestsPerCycle: Int { requests.count }

    /// Sends every request once; returns the registers (or bits) received.
    public func cycle() throws(ModbusError) -> Int {
        var received = 0
        for request in requests {
            let start = Int32(request.start)
            let count = Int32(request.count)
            let answered: Int32
            switch request.registerType {
            case .holding: answered = words.withUnsafeMutableBufferPointer { modbus_read_registers(context, start, count, $0.baseAddress) }
            case .input: answered = words.withUnsafeMutableBufferPointer { modbus_read_input_registers(context, start, count, $0.baseAddress) }
            case .coil: answered = bits.withUnsafeMutableBufferPointer { modbus_read_bits(context, start, count, $0.baseAddress) }
            case .discrete: answered = bits.withUnsafeMutableBufferPointer { modbus_read_input_bits(context, start, count, $0.baseAddress) }
            }
            guard answered >= 0 else { throw ModbusError.fromErrno(errno) }
            guard answered == count else {
                throw .badResponse("asked for \(count) \(request.registerType.rawValue) from \(start), got \(answered)")
            }
            received += Int(answered)
        }
        return received
    }
}
