/// Hand-built response frames for the simulator's faults (a wrong CRC, another unit id): libmodbus's
/// server side only builds correct ones.
enum ModbusFrames {
    /// CRC-16/MODBUS (polynomial 0xA001 reflected, initial 0xFFFF), sent low byte first.
    static func crc16(_ bytes: some Sequence<UInt8>) -> UInt16 {
        var crc: UInt16 = 0xFFFF
        for byte in bytes {
            crc ^= UInt16(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xA001 : crc >> 1 }
        }
        return crc
    }

    /// The PDU of a register read response: function, byte count, big-endian words.
    static func readResponsePDU(function: UInt8, words: [UInt16]) -> [UInt8] {
        var pdu: [UInt8] = [function, UInt8(truncatingIfNeeded: words.count * 2)]
        for word in words { pdu += [UInt8(word >> 8), UInt8(word & 0xFF)] }
        return pdu
    }

    static func rtu(unit: UInt8, pdu: [UInt8], corruptCRC: Bool = false) -> [UInt8] {
        let body = [unit] + pdu
        var crc = crc16(body)
        if corruptCRC { crc ^= 0x5A5A }
        return body + [UInt8(crc & 0xFF), UInt8(crc >> 8)]
    }

    /// An MBAP frame; `protocolID` other than 0 is what a broken gateway sends.
    static func tcp(transaction: UInt16, unit: UInt8, pdu: [UInt8], protocolID: UInt16 = 0) -> [UInt8] {
        let length = UInt16(pdu.count + 1)
        return [UInt8(transaction >> 8), UInt8(transaction & 0xFF), UInt8(protocolID >> 8), UInt8(protocolID & 0xFF),
                UInt8(length >> 8), UInt8(length & 0xFF), unit] + pdu
    }
}

/// Where an RTU request ends, from its function code (Modbus over serial line §2.5.1).
enum RTUFraming {
    /// The full length of the request at the start of `bytes`, once enough of it has arrived to tell.
    static func requestLength(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 2 else { return nil }
        switch bytes[1] {
        case 1, 2, 3, 4, 5, 6: return 8
        case 15, 16:
            guard bytes.count >= 7 else { return nil }
            return 9 + Int(bytes[6])
        default:
            // An unknown function: the unit id, function and CRC at least; the silence after it ends it.
            return bytes.count >= 4 ? bytes.count : nil
        }
    }

    static func hasValidCRC(_ frame: [UInt8]) -> Bool {
        guard frame.count >= 4 else { return false }
        let crc = ModbusFrames.crc16(frame[0..<(frame.count - 2)])
        return frame[frame.count - 2] == UInt8(crc & 0xFF) && frame[frame.count - 1] == UInt8(crc >> 8)
    }
}
