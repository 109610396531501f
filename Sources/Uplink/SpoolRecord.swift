/// One record handed out by `pending`: the bytes the uplink stored, with the sequence number the collector
/// deduplicates by.
public struct SpoolRecord: Sendable, Hashable {
    public var sequence: UInt64
    public var recordClass: SpoolClass
    /// What the uplink gave `append`, in milliseconds since the Unix epoch (used for the loss report's spans).
    public var time: Int64
    /// How many thinning passes this samples record survived: it stands for up to 2^thinning of the originals.
    public var thinning: Int
    /// The nearest earlier sequence still known to the spool (a record, or the acknowledged point): every sequence
    /// between it and `sequence` was thinned, dropped or lost to corruption, so the receiver can tell a gap that is
    /// explained by the loss report from one that is not.
    public var previousSequence: UInt64
    public var payload: [UInt8]

    public init(sequence: UInt64, recordClass: SpoolClass, time: Int64, thinning: Int, previousSequence: UInt64, payload: [UInt8]) {
        self.sequence = sequence
        self.recordClass = recordClass
        self.time = time
        self.thinning = thinning
        self.previousSequence = previousSequence
        self.payload = payload
    }
}

/// One record for a batch `append`.
public struct SpoolEntry: Sendable, Hashable {
    public var recordClass: SpoolClass
    public var payload: [UInt8]
    public var time: Int64

    public init(_ recordClass: SpoolClass, _ payload: [UInt8], time: Int64) {
        self.recordClass = recordClass
        self.payload = payload
        self.time = time
    }
}
