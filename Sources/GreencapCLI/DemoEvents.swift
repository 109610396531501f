/// The demo's scripted faults, placed as fractions of the run so a short run still shows them: the grid
/// feed goes silent around midday (caps fall to the safe cap until it is back), then the UPS loses mains
/// (every node to its emergency cap within a tick; released once mains has been back for the hold).
struct DemoEvents {
    enum Phase: Equatable {
        case normal
        case feedOutage
        case upsOnBattery
    }

    let runSeconds: Double
    static let feedOutage = 0.28..<0.40
    static let upsOnBattery = 0.55..<0.63
    /// A run shorter than this shows no faults: too short to see a cap settle before and after.
    static let shortestRunWithFaults = 25.0
    /// A fault lasts at least this long, whatever the run: the summary wants every node's status line to show
    /// the fault's cap, which takes a UPS poll or the feed's staleness limit, a tick, and a status update
    /// (at most one a second): 3 s + 1 s + 1 s for the feed. A 30 s run's 2.4 s UPS span was shorter than that.
    static let shortestFault = 6.0

    func phase(atSecond second: Double) -> Phase {
        guard runSeconds >= Self.shortestRunWithFaults else { return .normal }
        if span(Self.feedOutage).contains(second) { return .feedOutage }
        if span(Self.upsOnBattery).contains(second) { return .upsOnBattery }
        return .normal
    }

    /// A fault's seconds into the run, from its fractions of the run.
    private func span(_ fractions: Range<Double>) -> Range<Double> {
        let start = runSeconds * fractions.lowerBound
        return start..<max(runSeconds * fractions.upperBound, start + Self.shortestFault)
    }

    /// When each fault starts, in seconds into the run (for the screen and the summary).
    var feedOutageStart: Double { runSeconds * Self.feedOutage.lowerBound }
    var upsStart: Double { runSeconds * Self.upsOnBattery.lowerBound }
}
