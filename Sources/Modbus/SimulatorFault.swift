import GreencapCore
/// How a simulated device misbehaves, so the client's handling of each can be tested against real frames.
public enum SimulatorFault: Sendable, Equatable, CustomStringConvertible {
    case none
    /// Receives every request and never answers (a gateway that accepts and hangs, a dead unit).
    case timeout
    /// Answers every request with this exception code.
    case exception(UInt8)
    /// Answers with the right data and a wrong CRC (RTU), or a broken MBAP header (TCP).
    case corruptCRC
    /// Answers as another unit id.
    case wrongUnit
    /// Sends bytes that are no Modbus frame at all.
    case garbage
    /// Closes the TCP connection on every request (RTU: like timeout).
    case disconnect
    /// Answers after this long.
    case delay(Duration)

    public var description: String {
        switch self {
        case .none: "none"
        case .timeout: "timeout"
        case .exception(let code): "exception:\(code)"
        case .corruptCRC: "crc"
        case .wrongUnit: "wrong-unit"
        case .garbage: "garbage"
        case .disconnect: "disconnect"
        case .delay(let duration): "delay:\(duration.wholeMilliseconds)ms"
        }
    }

    /// Parses `none`, `timeout`, `exception:2`, `crc`, `wrong-unit`, `garbage`, `disconnect`, `delay:300ms`.
    public init?(_ text: String) {
        switch text {
        case "none": self = .none
        case "timeout": self = .timeout
        case "crc": self = .corruptCRC
        case "wrong-unit": self = .wrongUnit
        case "garbage": self = .garbage
        case "disconnect": self = .disconnect
        default:
            if text.hasPrefix("exception:"), let code = UInt8(text.dropFirst(10)), (1...255).contains(code) {
                self = .exception(code)
            } else if text.hasPrefix("delay:"), let number = Int(text.dropFirst(6).replacing("ms", with: "")), number >= 0 {
                self = .delay(.milliseconds(number))
            } else {
                return nil
            }
        }
    }

    public static let choices = "none, timeout, exception:CODE, crc, wrong-unit, garbage, disconnect, delay:MSms"
}
