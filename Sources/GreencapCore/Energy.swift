/// Energy as an integer number of millijoules: NVML's energy counter unit, exact to sum and subtract.
public struct Millijoules: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var value: UInt64

    public init(_ value: UInt64) { self.value = value }

    public var joules: Double { Double(value) / 1000 }

    public var kilowattHours: Double { Double(value) / 3.6e9 }

    public static func < (lhs: Millijoules, rhs: Millijoules) -> Bool { lhs.value < rhs.value }

    public var description: String { "\(value) mJ" }
}
