import Logging

/// Making room when the spool is full, and rewriting segments without the records given up.
extension SpoolStore {
    /// Frees space for a record of `recordClass` needing `bytes` (aiming for `headroomBytes` below capacity);
    /// false, with nothing changed, when the rules allow too little.
    func makeRoom(for recordClass: SpoolClass, bytes: Int) throws(SpoolError) -> Bool {
        let needed = bytesUsed + bytes - configuration.capacityBytes
        let wanted = bytesUsed + bytes - (configuration.capacityBytes - configuration.headroomBytes)
        let planner = EvictionPlanner(
            segments: segments.map(\.entries), acknowledgedThrough: state.acknowledgedThrough,
            maximumThinning: configuration.maximumThinning)
        let plan = planner.plan(for: recordClass, wanted: wanted)
        guard plan.freedBytes >= needed else { return false }
        for entry in plan.thinned { countLoss(entry.recordClass, thinned: true, time: entry.time, sequence: entry.sequence) }
        for entry in plan.dropped { countLoss(entry.recordClass, thinned: false, time: entry.time, sequence: entry.sequence) }
        if !plan.thinned.isEmpty || !plan.dropped.isEmpty {
            logger.warning(
                "spool full: thinned and dropped records to make room",
                metadata: [
                    "thinned_samples": "\(plan.thinned.count)", "dropped": "\(plan.dropped.count)",
                    "dropped_events": "\(plan.dropped.filter { $0.recordClass == .events }.count)",
                    "dropped_audit": "\(plan.dropped.filter { $0.recordClass == .audit }.count)",
                    "for": "\(recordClass)",
                ])
        }
        // The loss and the highest sequence are on disk before any record leaves it.
        state.highestAssigned = max(state.highestAssigned, nextSequence - 1)
        try saveState()
        try sealActive()
        try rewrite(plan.changes)
        return true
    }

    /// Rewrites each changed segment without its removed records (and without damaged stretches), deleting
    /// those left empty. Each is written to a temporary file, synced and renamed over the original.
    func rewrite(_ changes: [Int: EvictionPlanner.Change]) throws(SpoolError) {
        guard !changes.isEmpty else { return }
        if let last = changes.keys.max(), last == segments.count - 1 { try sealActive() }
        var emptied: [Int] = []
        for (s, change) in changes.sorted(by: { $0.key < $1.key }) {
            let segment = segments[s]
            let survivors = segment.entries.indices.filter { !change.remove.contains($0) }
            guard !survivors.isEmpty else {
                try Posix.removeFile(segment.path)
                emptied.append(s)
                continue
            }
            guard let old = try Posix.readFile(segment.path) else {
                throw .io(operation: "read", path: segment.path, reason: "the segment disappeared")
            }
            var out = RecordFormat.segmentMagic
            var entries: [IndexEntry] = []
            var damaged: [IndexEntry] = []
            old.withUnsafeBytes { raw in
                for e in survivors {
                    var entry = segment.entries[e]
                    guard entry.offset + entry.size <= raw.count,
                        case .record(let header) = RecordFormat.parse(raw, at: entry.offset), header.sequence == entry.sequence
                    else {
                        damaged.append(entry)
                        continue
                    }
                    let record = UnsafeRawBufferPointer(rebasing: raw[entry.offset..<(entry.offset + entry.size)])
                    entry.offset = out.count
                    if let thinning = change.promote[e] {
                        entry.thinning = thinning
                        out.append(contentsOf: RecordFormat.rethinned(record, thinning: thinning))
                    } else {
                        out.append(contentsOf: record)
                    }
                    entries.append(entry)
                }
            }
            for entry in damaged {
                noteCorruption(file: segment.path, offset: entry.offset, length: entry.size, reason: "record \(entry.sequence) changed on disk since it was written")
            }
            try Posix.replaceFile(segment.path, with: out, directory: directory)
            segments[s].entries = entries
            segments[s].fileSize = out.count
        }
        for s in emptied.reversed() { segments.remove(at: s) }
        if !emptied.isEmpty { try Posix.syncDirectory(directory) }
        recount()
    }

    /// An append refused for want of room: it counts as dropped, without a sequence number.
    func recordRefused(_ entry: SpoolEntry) throws(SpoolError) {
        logger.warning(
            "spool full of more important records; dropping the new one",
            metadata: ["class": "\(entry.recordClass)", "bytes": "\(entry.payload.count)"])
        countLoss(entry.recordClass, thinned: false, time: entry.time, sequence: nil)
        try saveState()
    }
}
