import GreencapCore
import CModbus
#if canImport(Glibc)
import Glibc
#endif

/// One libmodbus context: a TCP connection or an open serial line.
///
/// Every call blocks (up to the response timeout), so a connection is owned by one bus thread and never
/// touched from Swift's cooperative pool.
public final class ModbusConnection {
    public let endpoint: ModbusEndpoint
    private let context: OpaquePointer
    public private(set) var isOpen = false
    /// Requests sent, for the benchmark's overhead figures and for tests.
    public private(set) var requestCount = 0

    public init(endpoint: ModbusEndpoint) throws(ModbusError) {
        self.endpoint = endpoint
        let made: OpaquePointer?
        switch endpoint {
        case .tcp(let host, let port):
            made = modbus_new_tcp_pi(host, String(port))
        case .rtu(let device, let baud, let parity, let dataBits, let stopBits):
            made = modbus_new_rtu(device, Int32(baud), parity.libmodbusCode, Int32(dataBits), Int32(stopBits))
        }
        guard let made else { throw .invalidRequest("libmodbus refused the endpoint \(endpoint): \(ModbusError.errorText(errno))") }
        context = made
        // Retries, reconnection and pacing are the poller's: libmodbus's own recovery would hide them.
        modbus_set_error_recovery(context, modbus_error_recovery_mode(rawValue: 0))
    }

    deinit {
        if isOpen { modbus_close(context) }
        modbus_free(context)
    }

    public func setTimeouts(response: Duration, byte: Duration) {
        let (responseSeconds, responseMicros) = Self.timeoutParts(response)
        modbus_set_response_timeout(context, responseSeconds, responseMicros)
        let (byteSeconds, byteMicros) = Self.timeoutParts(byte)
        modbus_set_byte_timeout(context, byteSeconds, byteMicros)
    }

    /// Seconds and microseconds, as libmodbus's timeout setters take them; never zero (zero means "none").
    static func timeoutParts(_ duration: Duration) -> (UInt32, UInt32) {
        let micros = max(1, duration.wholeMicroseconds)
        return (UInt32(micros / 1_000_000), UInt32(micros % 1_000_000))
    }

    public func open() throws(ModbusError) {
        guard !isOpen else { return }
        if modbus_connect(context) != 0 {
            let code = errno
            throw .connectFailed("\(endpoint): \(ModbusError.errorText(code))")
        }
        isOpen = true
    }

    public func close() {
        guard isOpen else { return }
        modbus_close(context)
        isOpen = false
    }

    /// Discards bytes still arriving from an earlier, timed-out answer, so they are not read as the next one.
    public func flush() {
        if isOpen { modbus_flush(context) }
    }

    /// Reads `count` registers or bits from `unit`; bits come back as 0/1 words.
    public func read(_ type: RegisterType, unit: UInt8, start: Int, count: Int) throws(ModbusError) -> [UInt16] {
        guard isOpen else { throw .disconnected("\(endpoint) is not open") }
        guard count >= 1, count <= type.protocolReadLimit, start >= 0, start + count <= 65536 else {
            throw .invalidRequest("\(count) \(type.rawValue) from \(start)")
        }
        modbus_set_slave(context, Int32(unit))
        requestCount += 1
        var received: Int32
        var words = [UInt16](repeating: 0, count: count)
        switch type {
        case .holding, .input:
            received = words.withUnsafeMutableBufferPointer { buffer in
                type == .holding
                    ? modbus_read_registers(context, Int32(start), Int32(count), buffer.baseAddress)
                    : modbus_read_input_registers(context, Int32(start), Int32(count), buffer.baseAddress)
            }
        case .coil, .discrete:
            var bits = [UInt8](repeating: 0, count: count)
            received = bits.withUnsafeMutableBufferPointer { buffer in
                type == .coil
                    ? modbus_read_bits(context, Int32(start), Int32(count), buffer.baseAddress)
                    : modbus_read_input_bits(context, Int32(start), Int32(count), buffer.baseAddress)
            }
            for index in bits.indices { words[index] = bits[index] == 0 ? 0 : 1 }
        }
        guard received >= 0 else { throw fail() }
        guard received == count else { throw .badResponse("asked for \(count) \(type.rawValue), got \(received)") }
        return words
    }

    /// Writes registers with the function code the device accepts (`write_function`): FC06 one register
    /// per request, FC16 all at once.
    public func writeRegisters(unit: UInt8, start: Int, words: [UInt16], function: UInt8) throws(ModbusError) {
        guard isOpen else { throw .disconnected("\(endpoint) is not open") }
        guard !words.isEmpty, words.count <= 123, start >= 0, start + words.count <= 65536 else {
            throw .invalidRequest("write of \(words.count) registers at \(start)")
        }
        modbus_set_slave(context, Int32(unit))
        if function == 6 {
            for (index, word) in words.enumerated() {
                requestCount += 1
                if modbus_write_register(context, Int32(start + index), word) != 1 { throw fail() }
            }
            return
        }
        requestCount += 1
        let written = words.withUnsafeBufferPointer { modbus_write_registers(context, Int32(start), Int32(words.count), $0.baseAddress) }
        guard written == words.count else { throw written < 0 ? fail() : .badResponse("wrote \(written) of \(words.count)") }
    }

    /// Writes coils: FC05 for one, FC15 for several.
    public func writeCoils(unit: UInt8, start: Int, values: [Bool]) throws(ModbusError) {
        guard isOpen else { throw .disconnected("\(endpoint) is not open") }
        guard !values.isEmpty, values.count <= 1968, start >= 0, start + values.count <= 65536 else {
            throw .invalidRequest("write of \(values.count) coils at \(start)")
        }
        modbus_set_slave(context, Int32(unit))
        requestCount += 1
        if values.count == 1 {
            if modbus_write_bit(context, Int32(start), values[0] ? 1 : 0) != 1 { throw fail() }
            return
        }
        var bytes = values.map { UInt8($0 ? 1 : 0) }
        let written = bytes.withUnsafeMutableBufferPointer { modbus_write_bits(context, Int32(start), Int32(values.count), $0.baseAddress) }
        guard written == values.count else { throw written < 0 ? fail() : .badResponse("wrote \(written) of \(values.count)") }
    }

    /// Classifies the failure; a broken link is closed so the next request reconnects.
    private func fail() -> ModbusError {
        let error = ModbusError.fromErrno(errno)
        if error.needsReconnect { close() }
        return error
    }
}

extension ConnectionDefaults.Parity {
    /// The letter `modbus_new_rtu` takes.
    var libmodbusCode: CChar {
        switch self {
        case .none: 0x4E  // 'N'
        case .even: 0x45  // 'E'
        case .odd: 0x4F  // 'O'
        }
    }
}
