/// Decides what to give up when the spool is full, without touching the disk (so it can be abandoned when even
/// all of it would not make room).
///
/// Order (docs/spool.md, "When the spool is full"):
/// 0. acknowledged records still in the oldest segment (no loss);
/// 1. thin samples: walking oldest first, keep one and drop the next, pass after pass, each survivor counting one
///    more thinning, until enough is free or every samples record is at `maximumThinning`;
/// 2. drop samples, oldest first;
/// 3. drop events, oldest first — only to make room for an event or an audit record;
/// 4. drop audit records, oldest first — only to make room for an audit record.
/// A record never evicts a class more important than its own.
struct EvictionPlanner {
    struct Change: Equatable {
        var remove: Set<Int> = []
        /// Entry index → its new thinning count.
        var promote: [Int: UInt8] = [:]
    }

    struct Plan {
        /// By segment index, the entries to remove and those whose thinning count goes up.
        var changes: [Int: Change] = [:]
        var freedBytes = 0
        var thinned: [IndexEntry] = []
        var dropped: [IndexEntry] = []
    }

    let segments: [[IndexEntry]]
    let acknowledgedThrough: UInt64
    let maximumThinning: Int

    /// A plan that frees at least `wanted` bytes if the rules allow, else as much as they allow.
    func plan(for incoming: SpoolClass, wanted: Int) -> Plan {
        var plan = Plan()
        // Flat positions, oldest first.
        var positions: [(segment: Int, entry: Int)] = []
        for (s, entries) in segments.enumerated() {
            for e in entries.indices { positions.append((s, e)) }
        }
        var removed = [Bool](repeating: false, count: positions.count)
        var thinning = positions.map { segments[$0.segment][$0.entry].thinning }
        var remaining = segments.map(\.count)

        func entry(_ k: Int) -> IndexEntry { segments[positions[k].segment][positions[k].entry] }
        func remove(_ k: Int) {
            removed[k] = true
            let (s, e) = positions[k]
            plan.changes[s, default: Change()].remove.insert(e)
            plan.freedBytes += segments[s][e].size
            remaining[s] -= 1
            if remaining[s] == 0 { plan.freedBytes += RecordFormat.segmentHeaderSize }
        }
        func live(_ k: Int, _ recordClass: SpoolClass) -> Bool {
            !removed[k] && entry(k).recordClass == recordClass && entry(k).sequence > acknowledgedThrough
        }

        for k in positions.indices where entry(k).sequence <= acknowledgedThrough { remove(k) }

        // 1. Thinning passes.
        while plan.freedBytes < wanted {
            let candidates = positions.indices.filter { live($0, .samples) && Int(thinning[$0]) < maximumThinning }
            guard candidates.count >= 2 else { break }
            var pair = 0
            while pair + 1 < candidates.count && plan.freedBytes < wanted {
                let keep = candidates[pair], drop = candidates[pair + 1]
                thinning[keep] += 1
                plan.changes[positions[keep].segment, default: Change()].promote[positions[keep].entry] = thinning[keep]
                remove(drop)
                plan.thinned.append(entry(drop))
                pair += 2
            }
        }

        // 2–4. Dropping by class, least important first, never above the incoming record's own class.
        for recordClass in SpoolClass.allCases where recordClass <= incoming {
            for k in positions.indices where plan.freedBytes < wanted && live(k, recordClass) {
                remove(k)
                plan.dropped.append(entry(k))
            }
        }
        // A removed record needs no promotion.
        for (s, change) in plan.changes { plan.changes[s]?.promote = change.promote.filter { !change.remove.contains($0.key) } }
        return plan
    }
}
