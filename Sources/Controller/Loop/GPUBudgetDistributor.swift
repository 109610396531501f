/// Shares a node's GPU budget among its GPUs by demand.
///
/// Every GPU first gets its minimum limit. The rest goes in equal shares (max-min fair) up to what each GPU
/// wants — its maximum when it is pinned at its limit, its present draw plus some headroom when it is not —
/// so a GPU below its limit releases power to the GPUs held back by theirs. What is left after every GPU
/// has what it wants goes out the same way up to each GPU's maximum, so a GPU that starts working finds
/// headroom without waiting for a tick. Integers in milliwatts; no allocation.
enum GPUBudgetDistributor {
    /// Fills each slot's `allocation` from its `minimum`, `wanted` and `maximum`.
    /// - Returns: false when the budget does not cover the minimums (every GPU is then at its minimum).
    static func distribute(budget: Int64, _ slots: UnsafeMutableBufferPointer<GPUSlot>) -> Bool {
        var remaining = budget
        for index in slots.indices {
            slots[index].allocation = slots[index].minimum
            remaining -= slots[index].minimum
        }
        guard remaining >= 0 else { return false }
        fill(slots, toMaximum: false, remaining: &remaining)
        fill(slots, toMaximum: true, remaining: &remaining)
        return true
    }

    /// Equal shares to every GPU still below its ceiling, until the budget or the ceilings run out: at most
    /// one round per GPU, since each round fills at least one GPU or spends the whole remainder.
    private static func fill(_ slots: UnsafeMutableBufferPointer<GPUSlot>, toMaximum: Bool, remaining: inout Int64) {
        func ceiling(_ slot: GPUSlot) -> Int64 { toMaximum ? slot.maximum : slot.wanted }
        while remaining > 0 {
            var open: Int64 = 0
            for index in slots.indices where slots[index].allocation < ceiling(slots[index]) { open += 1 }
            guard open > 0 else { return }
            let share = remaining / open
            guard share > 0 else {
                // Fewer milliwatts left than GPUs: hand them out one each.
                for index in slots.indices where remaining > 0 && slots[index].allocation < ceiling(slots[index]) {
                    slots[index].allocation += 1
                    remaining -= 1
                }
                return
            }
            for index in slots.indices where slots[index].allocation < ceiling(slots[index]) {
                let given = min(share, ceiling(slots[index]) - slots[index].allocation)
                slots[index].allocation += given
                remaining -= given
            }
        }
    }
}
