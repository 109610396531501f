/// The registers one poll (or one fixture) produced, kept as contiguous runs per table.
///
/// Bits (coils, discrete inputs) are stored one per element as 0 or 1.
public struct RegisterImage: Sendable, Equatable {
    public struct Run: Sendable, Equatable {
        public var start: Int
        public var words: [UInt16]
        public var end: Int { start + words.count }
    }

    // One sorted list per table rather than a dictionary: `RegisterType` hashes its raw string, and that
    // lookup, once per point instance, was a quarter of a poll's decode.
    private var coils: [Run] = []
    private var discretes: [Run] = []
    private var holdings: [Run] = []
    private var inputs: [Run] = []

    /// The runs of every table that has registers, each sorted by address; runs never touch or overlap.
    public var runs: [RegisterType: [Run]] {
        var table: [RegisterType: [Run]] = [:]
        for type in RegisterType.allCases where !runs(type).isEmpty { table[type] = runs(type) }
        return table
    }

    public init() {}

    @inline(__always)
    func runs(_ type: RegisterType) -> [Run] {
        switch type {
        case .coil: coils
        case .discrete: discretes
        case .holding: holdings
        case .input: inputs
        }
    }

    private mutating func setRuns(_ list: [Run], _ type: RegisterType) {
        switch type {
        case .coil: coils = list
        case .discrete: discretes = list
        case .holding: holdings = list
        case .input: inputs = list
        }
    }

    /// Adds or overwrites registers; adjacent or overlapping runs are merged so a multi-register value
    /// that straddles two requests still decodes.
    public mutating func store(_ words: [UInt16], type: RegisterType, at start: Int) {
        guard !words.isEmpty else { return }
        var merged = Run(start: start, words: words)
        var kept: [Run] = []
        for run in runs(type) {
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
        setRuns(kept, type)
    }

    /// Calls `body` with the registers `range` if all of them are present.
    @inline(__always)
    public func withWords<Result>(
        _ type: RegisterType, _ range: Range<Int>, _ body: (ArraySlice<UInt16>) -> Result
    ) -> Result? {
        let list = runs(type)
        // Runs are sorted and apart, so only the last run starting at or before the range can hold it.
        var low = 0, high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle].start <= range.lowerBound { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return nil }
        let run = list[low - 1]
        guard range.upperBound <= run.end else { return nil }
        let offset = range.lowerBound - run.start
        return body(run.words[offset..<(offset + range.count)])
    }

    public func word(_ type: RegisterType, _ address: Int) -> UInt16? {
        withWords(type, address..<(address + 1)) { $0.first } ?? nil
    }

    public var isEmpty: Bool { coils.isEmpty && discretes.isEmpty && holdings.isEmpty && inputs.isEmpty }
}
