/// The four Modbus data tables, with the function code that reads each.
public enum RegisterType: String, Sendable, Hashable, CaseIterable, Codable {
    case coil, discrete, holding, input

    public var readFunction: UInt8 {
        switch self {
        case .coil: 1
        case .discrete: 2
        case .holding: 3
        case .input: 4
        }
    }

    /// Coils and discrete inputs are single bits; the other two tables hold 16-bit words.
    public var isBit: Bool { self == .coil || self == .discrete }

    /// The most a single request may ask for (Modbus application protocol v1.1b3 §6.1–6.4).
    public var protocolReadLimit: Int { isBit ? 2000 : 125 }
}

/// Byte order inside one register, and register (word) order inside a multi-register value.
public enum Endianness: String, Sendable, Hashable {
    case big, little
}

/// How a point's registers are read as a number or text.
public enum DataType: String, Sendable, Hashable, CaseIterable {
    case u16, i16, u32, i32, u64, i64, f32, f64, string, bits, bool

    /// Registers a value of this type spans; strings and bit fields give their own count.
    public var fixedRegisterCount: Int? {
        switch self {
        case .u16, .i16, .bool: 1
        case .u32, .i32, .f32: 2
        case .u64, .i64, .f64: 4
        case .string, .bits: nil
        }
    }
}
