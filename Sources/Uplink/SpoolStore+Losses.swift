/// The loss report and the state file it lives in.
extension SpoolStore {
    func countLoss(_ recordClass: SpoolClass, thinned: Bool, time: Int64, sequence: UInt64?) {
        state.open[recordClass].count(thinned: thinned, time: time, sequence: sequence)
        let slot = Int(recordClass.rawValue) - 1
        if thinned { state.lifetimeThinned[slot] += 1 } else { state.lifetimeDropped[slot] += 1 }
    }

    /// Everything lost since the last confirmed report, or nil. Calling it again before confirming returns the same
    /// losses (with any new ones merged in, under a new id), so a report is never lost between the call and the send.
    func lossReport() throws(SpoolError) -> LossReport? {
        if state.open.isEmpty { return state.outstanding }
        var report = state.outstanding ?? LossReport(id: 0)
        report.merge(state.open)
        report.id = state.nextReportID
        state.nextReportID += 1
        state.outstanding = report
        state.open = LossReport(id: 0)
        try saveState()
        return report
    }

    /// The uplink sent report `id` (and it was stored, e.g. as an acknowledged event): forget it. A stale id is
    /// ignored — its losses are in the newer report.
    func confirmLossReport(_ id: UInt64) throws(SpoolError) {
        guard state.outstanding?.id == id else { return }
        state.outstanding = nil
        try saveState()
    }

    func saveState() throws(SpoolError) {
        try Posix.replaceFile(statePath, with: state.encode(), directory: directory)
    }
}
