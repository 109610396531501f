import Logging

/// Opening: what a crash or a damaged disk left, brought back to a consistent spool.
extension SpoolStore {
    func recover() throws(SpoolError) {
        let names = try Posix.listDirectory(directory)
        // A temporary file is a rewrite or state save a crash interrupted; its original is still whole.
        for name in names where name.hasSuffix(".tmp") { try Posix.removeFile(directory + "/" + name) }
        state = loadState()
        var highestSeen = max(state.highestAssigned, state.acknowledgedThrough)
        var damagedSegments: [Int] = []
        let numbers = names.compactMap(Self.segmentNumber).sorted()
        for (position, number) in numbers.enumerated() {
            let path = segmentPath(number)
            let isLast = position == numbers.count - 1
            let bytes = try Posix.readFile(path) ?? []
            let scan = SegmentScanner.scan(bytes)
            guard scan.headerValid else {
                if isLast && bytes.count < RecordFormat.segmentHeaderSize
                    && Array(bytes) == Array(RecordFormat.segmentMagic.prefix(bytes.count))
                {
                    // Created, and the crash came before its header was whole.
                    tornBytes += bytes.count
                    try Posix.removeFile(path)
                    continue
                }
                noteCorruption(file: path, offset: 0, length: bytes.count, reason: "not a Greencap spool segment (header); kept as .bad")
                try Posix.renameFile(path, to: path + ".bad")
                continue
            }
            var segment = Segment(number: number, path: path, entries: scan.entries, fileSize: bytes.count)
            var damaged = false
            for region in scan.badRegions {
                if region.atEnd && isLast {
                    logger.warning(
                        "spool segment ends in a torn write, cut off",
                        metadata: ["file": "\(path)", "offset": "\(region.offset)", "bytes": "\(region.length)", "reason": "\(region.reason)"])
                    tornBytes += region.length
                    segment.fileSize = region.offset
                    try Posix.truncateFile(path, to: region.offset)
                    if let torn = region.tornSequence, torn == (scan.entries.last?.sequence ?? highestSeen) + 1 {
                        highestSeen = max(highestSeen, torn)
                    }
                } else {
                    noteCorruption(file: path, offset: region.offset, length: region.length, reason: region.reason)
                    damaged = true
                }
            }
            if let last = segment.entries.last { highestSeen = max(highestSeen, last.sequence) }
            if damaged { damagedSegments.append(segments.count) }
            segments.append(segment)
        }
        nextSequence = highestSeen + 1
        state.highestAssigned = highestSeen
        recount()
        if !damagedSegments.isEmpty {
            // Record the loss first, then cut the damage out, so it is reported exactly once.
            try saveState()
            var changes: [Int: EvictionPlanner.Change] = [:]
            for s in damagedSegments { changes[s] = EvictionPlanner.Change() }
            try rewrite(changes)
        }
        try dropAcknowledgedSegments()
        logger.info(
            "spool open",
            metadata: [
                "directory": "\(directory)", "segments": "\(segments.count)", "bytes": "\(bytesUsed)",
                "pending": "\(pendingRecords.values.reduce(0, +))", "acknowledged": "\(state.acknowledgedThrough)",
                "next_sequence": "\(nextSequence)",
            ])
    }

    private func dropAcknowledgedSegments() throws(SpoolError) {
        while let first = segments.first, first.entries.last.map({ $0.sequence <= state.acknowledgedThrough }) ?? true {
            try Posix.removeFile(first.path)
            segments.removeFirst()
        }
        recount()
    }

    private func loadState() -> SpoolState {
        do {
            guard let bytes = try Posix.readFile(statePath) else { return SpoolState() }
            return try SpoolState.decode(bytes)
        } catch {
            // Without it, acknowledged records still in the oldest segment are sent again (the collector drops the
            // duplicates) and an unconfirmed loss report is gone; sequences are rebuilt from the segments.
            logger.error(
                "spool state unreadable; rebuilding from the segments, some acknowledged records may be sent again",
                metadata: ["file": "\(statePath)", "reason": "\(error)"])
            corruptions.append(SpoolCorruption(file: statePath, offset: 0, length: 0, reason: "\(error)"))
            try? Posix.renameFile(statePath, to: statePath + ".bad")
            return SpoolState()
        }
    }

    /// Logs a damaged stretch and counts it in the loss report (its records are gone).
    func noteCorruption(file: String, offset: Int, length: Int, reason: String) {
        logger.error(
            "spool file damaged; skipping the damaged bytes",
            metadata: ["file": "\(file)", "offset": "\(offset)", "bytes": "\(length)", "reason": "\(reason)"])
        corruptions.append(SpoolCorruption(file: file, offset: offset, length: length, reason: reason))
        state.open.corruptedRegions += 1
        state.open.corruptedBytes += UInt64(length)
    }
}
