import CModbus

/// Why a Modbus request failed, classified so the poller knows whether to retry, reconnect or back off.
public enum ModbusError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The device answered with an exception response (codes per the Modbus application protocol §7).
    case exception(code: UInt8)
    /// No (complete) answer within the response or byte timeout.
    case timeout
    /// The RTU frame's CRC did not match: line noise, a wrong baud rate, two devices answering at once.
    case badCRC
    /// The answer was malformed: wrong length, wrong function code, more data than asked for.
    case badResponse(String)
    /// The answer came from another unit id.
    case wrongUnit
    /// The link could not be opened (TCP connect, serial port open).
    case connectFailed(String)
    /// The link broke (reset, closed, the adapter was unplugged).
    case disconnected(String)
    /// The request itself was refused before sending (a bad argument: our bug, or a profile's).
    case invalidRequest(String)

    public var description: String {
        switch self {
        case .exception(let code): "exception \(code) (\(Self.exceptionName(code)))"
        case .timeout: "no answer within the response timeout"
        case .badCRC: "CRC error in the response"
        case .badResponse(let detail): "malformed response: \(detail)"
        case .wrongUnit: "the response came from another unit id"
        case .connectFailed(let reason): "cannot connect: \(reason)"
        case .disconnected(let reason): "link lost: \(reason)"
        case .invalidRequest(let reason): "request refused: \(reason)"
        }
    }

    /// Worth sending the same request again at once (not an exception: the device meant it).
    public var isTransient: Bool {
        switch self {
        case .timeout, .badCRC, .badResponse, .wrongUnit: true
        case .exception(let code): code == 5 || code == 6
        case .connectFailed, .disconnected, .invalidRequest: false
        }
    }

    /// The link must be closed and reopened before the next request.
    public var needsReconnect: Bool {
        switch self {
        case .disconnected, .connectFailed: true
        default: false
        }
    }

    /// A short stable tag for counters and `state changed` logs.
    public var kind: String {
        switch self {
        case .exception(let code): "exception-\(code)"
        case .timeout: "timeout"
        case .badCRC: "bad-crc"
        case .badResponse: "bad-response"
        case .wrongUnit: "wrong-unit"
        case .connectFailed: "connect-failed"
        case .disconnected: "disconnected"
        case .invalidRequest: "invalid-request"
        }
    }

    public static func exceptionName(_ code: UInt8) -> String {
        switch code {
        case 1: "illegal function: the device does not support this function code"
        case 2: "illegal data address: the register is not in this device's map (check the profile and its 0-based addresses)"
        case 3: "illegal data value"
        case 4: "server device failure"
        case 5: "acknowledge: still processing"
        case 6: "server device busy"
        case 7: "negative acknowledge"
        case 8: "memory parity error"
        case 10: "gateway path unavailable: the gateway has no route to this unit id"
        case 11: "gateway target device failed to respond"
        default: "unknown exception code"
        }
    }

    /// Classifies libmodbus's errno after a failed call.
    static func fromErrno(_ code: Int32) -> ModbusError {
        let base = Int32(MODBUS_ENOBASE)
        switch code {
        case (base + 1)...(base + 11): return .exception(code: UInt8(code - base))
        case base + 12: return .badCRC
        case base + 13: return .badResponse("invalid data")
        case base + 14: return .badResponse("invalid exception code")
        case base + 15: return .badResponse("unknown exception code")
        case base + 16: return .badResponse("too many data")
        case base + 17: return .wrongUnit
        case ETIMEDOUT: return .timeout
        case ECONNRESET, EPIPE, EBADF, ENOTCONN, ECONNABORTED, EIO, ENXIO, ENODEV:
            return .disconnected(errorText(code))
        case ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, ENOENT, EACCES:
            return .connectFailed(errorText(code))
        case EINVAL: return .invalidRequest(errorText(code))
        default: return .badResponse(errorText(code))
        }
    }

    static func errorText(_ code: Int32) -> String {
        guard let text = modbus_strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }
}
