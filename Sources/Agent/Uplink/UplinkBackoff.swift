import GreencapCore

/// Reconnect delays: doubling from `first` to `limit`, each drawn uniformly from half to all of it ("equal
/// jitter"), so a fleet that lost the collector at the same instant does not come back at the same instant.
struct UplinkBackoff: Sendable {
    let first: Duration
    let limit: Duration
    private(set) var attempt = 0

    init(first: Duration = .seconds(1), limit: Duration = .seconds(60)) {
        self.first = first
        self.limit = limit
    }

    mutating func next<Generator: RandomNumberGenerator>(using generator: inout Generator) -> Duration {
        let ceiling = min(limit, first * (1 << min(attempt, 16)))
        attempt += 1
        let milliseconds = max(1, ceiling.wholeMilliseconds)
        return .milliseconds(Int64.random(in: (milliseconds / 2)...milliseconds, using: &generator))
    }

    mutating func reset() { attempt = 0 }
}
