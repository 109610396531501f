import GreencapCore

/// How one GPU answered one limit write: how long until the driver enforced the new limit, and until the
/// GPU's power settled under it. Nobody publishes these figures; they bound how fast any power-capping loop
/// can be (issue 7 part 6, Firmware-Notes/nvml.md).
public struct LimitResponse: Sendable, Hashable {
    public var gpu: Int
    public var old: Milliwatts
    public var new: Milliwatts
    /// Write issued → enforced limit read back equal to the new one; nil while not yet seen.
    public var enforceMilliseconds: Int64?
    /// Write issued → power at or below the new limit (plus tolerance); nil while not yet seen. Raises settle
    /// at once by definition (power was already under the higher limit), so only lowerings are timed.
    public var settleMilliseconds: Int64?
}

/// Follows writes until they are enforced and settled, at the resolution of the readings it is given (the
/// control tick; a dedicated fast sampler can feed it more often). Pure: times are inputs.
public struct LimitResponseTracker: Sendable {
    /// Power within this of the new limit counts as settled (NVML's power reading is ±5 W or so).
    public var settleTolerance: Milliwatts
    /// A write not enforced or not settled within this is given up on (and counted).
    public var giveUpAfterMilliseconds: Int64

    private var pending: [Int: (writtenAt: Int64, response: LimitResponse)] = [:]
    public private(set) var completed: [LimitResponse] = []
    public private(set) var abandoned = 0
    /// At most this many completed responses are kept (oldest dropped).
    public let capacity: Int

    public init(settleTolerance: Milliwatts = .watts(10), giveUpAfterMilliseconds: Int64 = 30_000, capacity: Int = 256) {
        self.settleTolerance = settleTolerance
        self.giveUpAfterMilliseconds = giveUpAfterMilliseconds
        self.capacity = max(1, capacity)
    }

    /// A write was issued at `writtenAt`; `enforcedAfter` is the read-back right after it, if any, with its time.
    public mutating func wrote(
        gpu: Int, old: Milliwatts, new: Milliwatts, writtenAt: Int64, readBack: (limit: Milliwatts, at: Int64)?
    ) {
        var response = LimitResponse(gpu: gpu, old: old, new: new)
        if let readBack, readBack.limit == new { response.enforceMilliseconds = max(0, readBack.at - writtenAt) }
        if new >= old { response.settleMilliseconds = 0 }
        pending[gpu] = (writtenAt, response)
        finishIfDone(gpu)
    }

    /// A reading of GPU `gpu` at `now`.
    public mutating func observed(gpu: Int, enforcedLimit: Milliwatts, power: Milliwatts, now: Int64) {
        guard var entry = pending[gpu] else { return }
        let elapsed = max(0, now - entry.writtenAt)
        if entry.response.enforceMilliseconds == nil, enforcedLimit == entry.response.new {
            entry.response.enforceMilliseconds = elapsed
        }
        if entry.response.settleMilliseconds == nil, power.value <= entry.response.new.value + settleTolerance.value {
            entry.response.settleMilliseconds = elapsed
        }
        pending[gpu] = entry
        if !finishIfDone(gpu), elapsed > giveUpAfterMilliseconds {
            pending[gpu] = nil
            abandoned += 1
        }
    }

    /// Hands back the responses completed since the last call.
    public mutating func drain() -> [LimitResponse] {
        defer { completed.removeAll(keepingCapacity: true) }
        return completed
    }

    @discardableResult
    private mutating func finishIfDone(_ gpu: Int) -> Bool {
        guard let entry = pending[gpu], entry.response.enforceMilliseconds != nil, entry.response.settleMilliseconds != nil else {
            return false
        }
        pending[gpu] = nil
        if completed.count >= capacity { completed.removeFirst() }
        completed.append(entry.response)
        return true
    }
}
