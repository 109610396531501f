/// What the loop keeps about one GPU between ticks, and its working values within a tick. One array of these
/// rather than one array per field: a tick touches every field of every GPU, and the controller walks them
/// through one buffer pointer instead of checking ten arrays' uniqueness and bounds on each access.
struct GPUSlot: Sendable {
    /// What the loop last set (or, in dry-run, decided); at first sight, what the GPU enforced.
    var lastSet: Int64
    /// When the loop last set it; far in the past at first sight.
    var lastWriteAt: Int64 = .min / 2
    /// Since when the GPU has drawn above its limit (`none` when it does not).
    var overLimitSince: Int64 = GPUSlot.none
    /// Since when a GPU flagged as ignoring its limit has drawn within it.
    var withinLimitSince: Int64 = GPUSlot.none
    var ignoring = false

    // Within a tick: the distribution's bounds and results.
    var minimum: Int64 = 0
    var wanted: Int64 = 0
    var maximum: Int64 = 0
    var allocation: Int64 = 0
    var chosen: Int64 = 0

    static let none = Int64.min

    init(enforced: Int64) { lastSet = enforced }
}
