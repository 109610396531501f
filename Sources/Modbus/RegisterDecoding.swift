/// A point's raw value before scaling, decoded by our code from the register words.
///
/// libmodbus's float helpers are not used: their names do not match the wire order in 3.1.6
/// (Firmware-Notes/libmodbus-float-helpers.md). Words arrive in host order, one per register, exactly as
/// the wire's big-endian registers; byte and word order are applied here, per point.
public enum RawValue: Sendable, Equatable {
    case integer(Int64)
    case unsigned(UInt64)
    case real(Double)
    case flag(Bool)
    case text(String)

    /// The number the sentinel lists compare against (`invalid = [0xFFFF]` means the register bits).
    var sentinelKey: Int64? {
        switch self {
        case .integer(let value): value
        case .unsigned(let value): value <= UInt64(Int64.max) ? Int64(value) : nil
        default: nil
        }
    }

    var number: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .unsigned(let value): Double(value)
        case .real(let value): value
        case .flag(let value): value ? 1 : 0
        case .text: nil
        }
    }
}

public enum RegisterDecoding {
    /// Assembles `words` into one big-endian integer after applying the point's byte and word order.
    @inline(__always)
    static func bits(_ words: ArraySlice<UInt16>, byteOrder: Endianness, wordOrder: Endianness) -> UInt64 {
        var result: UInt64 = 0
        if wordOrder == .big {
            for word in words { result = result << 16 | UInt64(byteOrder == .big ? word : word.byteSwapped) }
        } else {
            for word in words.reversed() { result = result << 16 | UInt64(byteOrder == .big ? word : word.byteSwapped) }
        }
        return result
    }

    /// Decodes one value of `type` from exactly the registers it spans.
    public static func decode(
        _ words: ArraySlice<UInt16>, as type: DataType, byteOrder: Endianness = .big, wordOrder: Endianness = .big,
        bit: Int? = nil, charsPerRegister: Int = 2
    ) -> RawValue {
        let value = bits(words, byteOrder: byteOrder, wordOrder: wordOrder)
        switch type {
        case .u16, .u32, .u64: return .unsigned(value)
        case .i16: return .integer(Int64(Int16(truncatingIfNeeded: value)))
        case .i32: return .integer(Int64(Int32(truncatingIfNeeded: value)))
        case .i64: return .integer(Int64(bitPattern: value))
        case .f32: return .real(Double(Float(bitPattern: UInt32(truncatingIfNeeded: value))))
        case .f64: return .real(Double(bitPattern: value))
        case .bool: return .flag(value != 0)
        case .bits: return .flag(value >> UInt64(bit ?? 0) & 1 == 1)
        case .string: return .text(text(words, byteOrder: byteOrder, charsPerRegister: charsPerRegister))
        }
    }

    /// Registers hold two characters, high byte first (APC AN176), or one in the low byte (APC 990-5702);
    /// trailing spaces and NULs are padding.
    static func text(_ words: ArraySlice<UInt16>, byteOrder: Endianness, charsPerRegister: Int) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(words.count * 2)
        for word in words {
            let ordered = byteOrder == .big ? word : word.byteSwapped
            if charsPerRegister == 2 { bytes.append(UInt8(ordered >> 8)) }
            bytes.append(UInt8(ordered & 0xFF))
        }
        if let end = bytes.firstIndex(of: 0) { bytes.removeSubrange(end...) }
        while let last = bytes.last, last == 0x20 { bytes.removeLast() }
        // Printable ASCII only: a device's garbage must not reach a terminal or a log as control bytes.
        return String(decoding: bytes.map { (0x20...0x7E).contains($0) ? $0 : 0x3F }, as: UTF8.self)
    }

    /// The inverse, for the simulator and tests: the words a device sends for `value`.
    public static func encode(
        _ value: RawValue, as type: DataType, registers: Int, byteOrder: Endianness = .big, wordOrder: Endianness = .big,
        bit: Int? = nil, charsPerRegister: Int = 2
    ) -> [UInt16] {
        var pattern: UInt64
        switch (type, value) {
        case (.f32, _): pattern = UInt64(Float(value.number ?? 0).bitPattern)
        case (.f64, _): pattern = (value.number ?? 0).bitPattern
        case (.string, .text(let text)):
            var bytes = Array(text.utf8.prefix(registers * charsPerRegister))
            while bytes.count < registers * charsPerRegister { bytes.append(0x20) }
            return (0..<registers).map { index in
                let word: UInt16 = charsPerRegister == 2
                    ? UInt16(bytes[2 * index]) << 8 | UInt16(bytes[2 * index + 1]) : UInt16(bytes[index])
                return byteOrder == .big ? word : word.byteSwapped
            }
        case (.bits, .flag(let on)): pattern = on ? 1 << UInt64(bit ?? 0) : 0
        case (_, .integer(let number)): pattern = UInt64(bitPattern: number)
        case (_, .unsigned(let number)): pattern = number
        case (_, .flag(let on)): pattern = on ? 1 : 0
        case (_, .real(let number)): pattern = UInt64(bitPattern: Int64(number.rounded()))
        case (_, .text): pattern = 0
        }
        var words = (0..<registers).map { index -> UInt16 in
            let shift = UInt64(16 * (registers - 1 - index))
            let word = UInt16(truncatingIfNeeded: pattern >> shift)
            return byteOrder == .big ? word : word.byteSwapped
        }
        if wordOrder == .little { words.reverse() }
        return words
    }
}
