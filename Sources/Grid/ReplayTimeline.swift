/// A replay presented on the wall clock (`[grid.replay] timeline = "now"`): the replay's first hour begins
/// when the collector starts, and each later hour `speed` times sooner than it would in real time. The
/// collector keeps the recorded hours under their own (recorded) times and maps at its edges, so the API and
/// the CLI speak wall-clock time: a job window found in the replay is a moment a scheduler can wait for.
public struct ReplayTimeline: Sendable, Equatable {
    /// Start of the replay's first hour, in the recording's time (Unix seconds).
    public var dataAnchorUTC: Int64
    /// When that hour began playing, on the wall clock (Unix milliseconds).
    public var wallAnchorMs: Int64
    /// Recorded seconds per wall-clock second (the replay's `speed`).
    public var speed: Int64

    public init(dataAnchorUTC: Int64, wallAnchorMs: Int64, speed: Int64) {
        self.dataAnchorUTC = dataAnchorUTC
        self.wallAnchorMs = wallAnchorMs
        self.speed = max(1, speed)
    }

    /// The wall-clock moment (Unix ms) at which the recorded moment `seconds` plays.
    public func wallMilliseconds(ofRecorded seconds: Int64) -> Int64 {
        wallAnchorMs + (seconds - dataAnchorUTC) * 1000 / speed
    }

    /// The recorded moment (Unix seconds) playing at the wall-clock moment `milliseconds`.
    public func recordedSeconds(atWall milliseconds: Int64) -> Int64 {
        // Floor division, so a moment just before the anchor maps to the second before it, not onto it.
        let offset = (milliseconds - wallAnchorMs) * speed
        let seconds = offset >= 0 ? offset / 1000 : -((-offset + 999) / 1000)
        return dataAnchorUTC + seconds
    }

    /// Wall-clock seconds that one recorded hour lasts.
    public var wallSecondsPerHour: Double { 3600 / Double(speed) }
}
