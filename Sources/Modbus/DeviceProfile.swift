import GreencapCore

/// One device model's Modbus map, loaded from a profile file (docs/modbus-profiles.md).
public struct DeviceProfile: Sendable {
    public enum DeviceClass: String, Sendable, CaseIterable { case ups, pdu, meter }

    public var id: String
    public var file: String
    public var vendor: String
    public var models: [String]
    public var deviceClass: DeviceClass
    public var firmware: String
    public var sources: [String]
    public var notes: String
    public var connection: ConnectionDefaults
    public var blocks: [Block]
    public var points: [Point]
    public var sunspec: SunSpec?
    public var fixtures: [Fixture]

    /// Index of each point by id, for references (`percent_of`, `scale_register`) and fixtures.
    public func point(named id: String) -> Point? { points.first { $0.id == id } }
}

/// Link and pacing settings a profile gives and a device entry may override.
public struct ConnectionDefaults: Sendable, Equatable {
    public enum Parity: String, Sendable { case none = "N", even = "E", odd = "O" }

    public var unitID: UInt8 = 1
    public var tcpPort: Int = 502
    public var baud: Int = 9600
    public var parity: Parity = .none
    public var dataBits: Int = 8
    public var stopBits: Int = 1
    public var maxRegistersPerRead: Int = 125
    public var interRequestDelay: Duration = .zero
    public var responseTimeout: Duration = .milliseconds(500)
    public var byteTimeout: Duration = .milliseconds(50)
    public var retries: Int = 2
    public var writeFunction: UInt8 = 16

    public init() {}
}

/// A span of registers read by as few requests as `max_registers_per_read` allows.
public struct Block: Sendable, Equatable {
    public enum Period: String, Sendable { case poll, once }
    public var id: String
    public var registerType: RegisterType
    public var start: Int
    public var count: Int
    public var period: Period
    public var line: Int

    public var end: Int { start + count }
    public func contains(_ range: Range<Int>, type: RegisterType) -> Bool {
        type == registerType && range.lowerBound >= start && range.upperBound <= end
    }
}

/// How a raw number becomes a value in the published unit.
public enum Scaling: Sendable, Equatable {
    case none
    case multiplier(Double)
    case divisor(Double)
    case pow10(Int)
    case binaryPoint(Int)
    /// The value of another point (a power-of-ten exponent, SunSpec `*_SF`).
    case scaleRegister(String)
}

/// `repeat = { count = 24, stride = 2 }` or `{ count_from = "outlets", max = 48, stride = 256 }`.
public struct Repetition: Sendable, Equatable {
    public enum Count: Sendable, Equatable {
        case fixed(Int)
        case fromPoint(String, max: Int)
    }
    public var count: Count
    public var stride: Int

    public var maximum: Int {
        switch count {
        case .fixed(let count): count
        case .fromPoint(_, let max): max
        }
    }
}

public struct Point: Sendable, Equatable {
    public var id: String
    public var metric: Metric?
    public var registerType: RegisterType
    public var address: Int
    public var dataType: DataType
    public var registerCount: Int
    public var byteOrder: Endianness
    public var wordOrder: Endianness
    public var bit: Int?
    public var charsPerRegister: Int
    public var unit: String
    public var scaling: Scaling
    /// The scaled value is a percentage of this point's value (APC output power: % of the W rating).
    public var percentOf: String?
    public var offset: Double
    public var invalidRaw: [Int64]
    public var invalidBelow: Double?
    public var invalidAbove: Double?
    public var repetition: Repetition?
    public var entity: Metric.Entity?
    public var verified: Bool
    public var docRef: String?
    public var line: Int
    /// Source line of each key, so a problem found later (overlap, reference) points at the right line.
    public var keyLines: [String: Int] = [:]

    public func line(of key: String) -> Int { keyLines[key] ?? line }

    /// Registers of entity `index` (1-based; 1 for a point that does not repeat).
    public func registers(entity index: Int) -> Range<Int> {
        let first = address + (index - 1) * (repetition?.stride ?? 0)
        return first..<(first + registerCount)
    }
}

/// SunSpec devices: point addresses are offsets from the model's ID register, found by walking the chain.
public struct SunSpec: Sendable, Equatable {
    public var base: Int
    public var models: [Int]
}

/// A recorded register snapshot and the values it must decode to.
public struct Fixture: Sendable {
    public enum Expected: Sendable, Equatable {
        case number(Double)
        case flag(Bool)
        case text(String)
        case invalid
    }
    public struct Read: Sendable, Equatable {
        public var registerType: RegisterType
        public var start: Int
        public var words: [UInt16]
    }
    public var source: String
    public var reads: [Read]
    /// Keys are point ids with `[k]` for entity k.
    public var expect: [(key: String, value: Expected, line: Int)]
    public var tolerance: Double
    public var sunspecModelAddress: Int?
    public var line: Int

    public func image() -> RegisterImage {
        var image = RegisterImage()
        for read in reads { image.store(read.words, type: read.registerType, at: read.start) }
        return image
    }
}
