/// Shares a node's GPU budget among its GPUs by demand.
///
/// Every GPU first gets its minimum limit. The rest goes in equal shares (max-min fair) up to what each GPU
/// wants — its maximum when it is pinned at its limit, its present draw plus some headroom when it is not —
/// so a GPU below its limit releases power to the GPUs held back by theirs. What is left after every GPU
/// has what it wants goes out the same way up to each GPU's maximum, so a GPU that starts working finds
/// headroom without waiting for a tick. Integers in milliwatts; no allocation.
enum GPUBudgetDistributor {
    /// - Returns: false when the budget does not cover the minimums (every GPU is then at its minimum).
    static func distribute(
        budget: Int64, minimum: [Int64], wanted: [Int64], maximum: [Int64], into allocation: inout [Int64]
    ) -> Bool {
        var remaining = budget
        for index in allocation.indices {
            allocation[index] = minimum[index]
            remaining -= minimum[index]
        }
        guard remaining >= 0 else { return false }
        fill(&allocation, upTo: wanted, remaining: &remaining)
        fill(&allocation, upTo: maximum, remaining: &remaining)
        return true
    }

    /// Equal shares to every GPU still below its ceiling, until the budget or the ceilings run out: at most
    /// one round per GPU, since each round fills at least one GPU or spends the whole remainder.
    private static func fill(_ allocation: inout [Int64], upTo ceiling: [Int64], remaining: inout Int64) {
        while remaining > 0 {
            var open: Int64 = 0
            for index in allocation.indices where allocation[index] < ceiling[index] { open += 1 }
            guard open > 0 else { return }
            let share = remaining / open
            guard share > 0 else {
                // Fewer milliwatts left than GPUs: hand them out one each.
                for index in allocation.indices where remaining > 0 && allocation[index] < ceiling[index] {
                    allocation[index] += 1
                    remaining -= 1
                }
                return
            }
            for index in allocation.indices where allocation[index] < ceiling[index] {
                let given = min(share, ceiling[index] - allocation[index])
                allocation[index] += given
                remaining -= given
            }
        }
    }
}
