import GreencapCore

/// Reconnect delays: `ExponentialBackoff` from `first` up to `limit`, counting the attempts since the last
/// successful connection, so a fleet that lost the collector at the same instant does not come back together.
struct UplinkBackoff: Sendable {
    let backoff: ExponentialBackoff
    private(set) var attempt = 0

    init(first: Duration = .seconds(1), limit: Duration = .seconds(60)) {
        backoff = ExponentialBackoff(base: first, cap: limit)
    }

    mutating func next<Generator: RandomNumberGenerator>(using generator: inout Generator) -> Duration {
        attempt += 1
        return backoff.delay(attempt: attempt, random: Double.random(in: 0...1, using: &generator))
    }

    mutating func reset() { attempt = 0 }
}
