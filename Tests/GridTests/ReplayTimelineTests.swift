import Grid
import Testing

/// `ReplayTimeline`: the map between a replay's recorded times and the wall clock it is presented on.
@Suite struct ReplayTimelineTests {
    // 2023-05-10T05:00+09:00 recorded, presented from 2026-11-20T16:00:00.250Z, at 600x (an hour every 6 s).
    let timeline = ReplayTimeline(dataAnchorUTC: 1_683_662_400, wallAnchorMs: 1_795_190_400_250, speed: 600)

    @Test func recordedHoursFallOnTheWallClockAtTheReplaySpeed() {
        #expect(timeline.wallMilliseconds(ofRecorded: 1_683_662_400) == 1_795_190_400_250)
        #expect(timeline.wallMilliseconds(ofRecorded: 1_683_662_400 + 7 * 3600) == 1_795_190_400_250 + 42_000)
        // Hours before the anchor (the history recorded at start) lie in the wall clock's past.
        #expect(timeline.wallMilliseconds(ofRecorded: 1_683_662_400 - 3600) == 1_795_190_400_250 - 6000)
        #expect(timeline.wallSecondsPerHour == 6)
    }

    @Test func wallMomentsMapBackToTheRecordedMomentPlaying() {
        for offset: Int64 in [-7 * 3600, -600, 0, 600, 3600, 48 * 3600] {
            let recorded = 1_683_662_400 + offset
            #expect(timeline.recordedSeconds(atWall: timeline.wallMilliseconds(ofRecorded: recorded)) == recorded, "offset \(offset)")
        }
        // Between whole wall milliseconds a recorded moment comes back at most a second early, never late.
        for offset: Int64 in [-3599, -1, 1, 599, 3599] {
            let back = timeline.recordedSeconds(atWall: timeline.wallMilliseconds(ofRecorded: 1_683_662_400 + offset)) - 1_683_662_400
            #expect(back <= offset && back >= offset - 1, "offset \(offset) came back as \(back)")
        }
        // 1 ms of wall time is 0.6 recorded seconds: rounded down, also before the anchor.
        #expect(timeline.recordedSeconds(atWall: 1_795_190_400_251) == 1_683_662_400)
        #expect(timeline.recordedSeconds(atWall: 1_795_190_400_249) == 1_683_662_399)
        #expect(timeline.recordedSeconds(atWall: 1_795_190_400_250 + 6000) == 1_683_662_400 + 3600)
    }

    @Test func speedOneIsAShift() {
        let shift = ReplayTimeline(dataAnchorUTC: 1000, wallAnchorMs: 5_000_000, speed: 1)
        #expect(shift.wallMilliseconds(ofRecorded: 4600) == 5_000_000 + 3_600_000)
        #expect(shift.recordedSeconds(atWall: 5_000_000 + 3_600_999) == 4600)
        #expect(ReplayTimeline(dataAnchorUTC: 0, wallAnchorMs: 0, speed: 0).speed == 1, "a speed below 1 is clamped, never a division by zero")
    }
}
