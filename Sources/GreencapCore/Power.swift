/// Power as an integer number of milliwatts.
///
/// Fixed-point integers keep sums exact and compare without rounding surprises; NVML reports milliwatts
/// natively and the wire protocol carries integers.
public struct Milliwatts: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var value: Int64

    public init(_ value: Int64) { self.value = value }

    public static func watts(_ watts: Int64) -> Milliwatts { Milliwatts(watts * 1000) }

    public static func megawatts(_ megawatts: Double) -> Milliwatts { Milliwatts(Int64((megawatts * 1e9).rounded())) }

    public var watts: Double { Double(value) / 1000 }

    public var megawatts: Double { Double(value) / 1e9 }

    public static func < (lhs: Milliwatts, rhs: Milliwatts) -> Bool { lhs.value < rhs.value }

    public static func + (lhs: Milliwatts, rhs: Milliwatts) -> Milliwatts { Milliwatts(lhs.value + rhs.value) }

    public var description: String { "\(value) mW" }

    /// Rounded to whole watts with the unit, for status lines and tables: "5518 W".
    public var wholeWattsText: String { "\((value + 500) / 1000) W" }
}
