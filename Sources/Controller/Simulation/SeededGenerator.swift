/// SplitMix64: a small, fast generator whose sequence depends only on its seed, for noise that is the same in
/// every run.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Hashable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// Uniform in -1…1.
    public mutating func nextSigned() -> Double {
        Double(next() >> 11) * (2.0 / 9_007_199_254_740_992.0) - 1
    }
}
