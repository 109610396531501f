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
    static let shortestRunWithFaults = 20.0

    func phase(atSecond second: Double) -> Phase {
        guard runSeconds >= Self.shortestRunWithFaults else { return .normal }
        let fraction = second / runSeconds
        if Self.feedOutage.contains(fraction) { return .feedOutage }
        if Self.upsOnBattery.contains(fraction) { return .upsOnBattery }
        return .normal
    }

    /// When each fault starts, in seconds into the run (for the screen and the summary).
    var feedOutageStart: Double { runSeconds * Self.feedOutage.lowerBound }
    var upsStart: Double { runSeconds * Self.upsOnBattery.lowerBound }
}
