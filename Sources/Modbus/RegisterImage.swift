/// The registers one poll (or one fixture) produced, kept as contiguous runs per table.
///
/// Bits (coils, discrete inputs) are stored one per element as 0 or 1.
public struct RegisterImage: Sendable, Equatable {
    public struct Run: Sendable, Equatable {
        public var start: Int
        public var words: [UInt16]
        public var end: Int { start + words.count }
    }

    public private(set) var runs: [RegisterType: [Run]] = [:]

    public init() {}

    /// Adds or overwrites registers; adjacent or overlapping runs are merged so a multi-register value
    /// that straddles two requests still decodes.
    public mutating func store(_ words: [UInt16], type: RegisterType, at start: Int) {
        guard !words.isEmpty else { return }
        var merged = Run(start: start, words: words)
        var kept: [Run] = []
        for run in runs[type, default: []] {
            if run.end < merged.start || run.start > merged.end {
                kept.append(run)
                continue
            }
            let lower = min(run.start, merged.start)
            let upper = max(run.end, merged.end)
            var combined = [UInt16](repeating: 0, count: upper - lower)
            for (index, word) in run.words.enumerated() { combined[run.start - lower + index] = word }
            for (index, word) in merged.words.enumerated() { combined[merged.start - lower + index] = word }
            merged = Run(start: lower, words: combined)
        }
        kept.append(merged)
        kept.sort { $0.start < $1.start }
        runs[type] = kept
    }

    /// Calls `body` with the registers `range` if all of them are present.
    @inline(__always)
    public func withWords<Result>(
        _ type: RegisterType, _ range: Range<Int>, _ body: (ArraySlice<UInt16>) -> Result
    ) -> Result? {
        guard let list = runs[type] else { return nil }
        for run in list where range.lowerBound >= run.start && range.upperBound <= run.end {
            let low = range.lowerBound - run.start
            return body(run.words[low..<(low + range.count)])
        }
        return nil
    }

    public func word(_ type: RegisterType, _ address: Int) -> UInt16? {
        withWords(type, address..<(address + 1)) { $0.first } ?? nil
    }

    public var isEmpty: Bool { runs.values.allSatisfy(\.isEmpty) }
}
