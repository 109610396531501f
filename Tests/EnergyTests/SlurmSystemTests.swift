import Foundation
import GreencapCore
import GreencapTestSupport
import Testing

/// Slurm/job_submit.lua in real Slurm daemons (Debian's slurmctld and slurmd 22.05) against a real
/// collector replaying the Jeonnam file at 1200× on the wall clock (`timeline = "now"`, one recorded hour
/// every 3 s, starting at 02:00 KST): an opted-in job is held with reason BeginTime until the greenest window
/// (09:00 KST in this data, ~20 s away) and then runs; a job without the opt-in runs at once; with the collector gone
/// an opted-in job is submitted unchanged and runs at once. About 40 s.
@Suite(.serialized) struct SlurmSystemTests {
    @Test func optedInJobWaitsForTheGreenWindowThenRuns() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        // Slurm prints and parses local times; a zone east of UTC checks that greencap and Slurm agree on it.
        let zone = ["TZ": "KST-9"]
        // The collector's address reaches job_submit.lua through slurmctld's environment, so it is chosen first.
        guard let port = LoopbackPort.unused() else { throw TestFailure("no free port") }
        var environment = zone
        environment["GREENCAP_BIN"] = try Paths.executable("greencap")
        environment["GREENCAP_COLLECTOR"] = "http://127.0.0.1:\(port)"
        environment["XDG_CONFIG_HOME"] = directory.path + "/xdg"
        let slurm = try SlurmCluster(directory: directory, jobSubmitScript: Paths.repository + "/Slurm/job_submit.lua", environment: environment)
        defer { slurm.stop() }
        try slurm.start()

        let collector = try ReplayCollector(directory: directory, start: "2023-05-10T02:00:00+09:00", speed: 1200, port: port)
        defer { collector.stop() }

        let output = directory.path + "/job-%j.out"
        let submitted = Timestamp.nowMilliseconds() / 1000
        let green = try slurm.submit(["--comment=greencap nightly eval", "--time=2", "--output=\(output)", "--wrap", "date +%s"])
        let plain = try slurm.submit(["--time=2", "--output=\(output)", "--wrap", "date +%s"])
        #expect(green.output.contains("greencap: held for green hours, begin"), "\(green.output)\n\(slurm.log)")

        // Held: pending for BeginTime, eligible at the begin time greencap gives for the same job now.
        let held = try slurm.job(green.id)
        #expect(held["JobState"] == "PENDING" && held["Reason"] == "BeginTime", "\(held)\n\(slurm.log)")
        let eligible = try #require(held["EligibleTime"].flatMap { Timestamp.parseRFC3339($0 + "+09:00") }, "\(held)")
        let asked = try collector.greencap(["slurm", "begin", "--duration", "2m", "--json"], environment: zone)
        let begin = try #require(jsonObject(asked.output)?["begin_epoch"] as? Int, "\(asked.output)")
        #expect(Int64(begin) == eligible, "job_submit.lua set \(held["EligibleTime"] ?? "-"), greencap says \(asked.output)")
        #expect(eligible >= submitted + 10 && eligible <= submitted + 90, "eligible \(eligible), submitted \(submitted)")

        // The job without the opt-in is untouched and runs at once.
        let ran = try slurm.waitForJob(plain.id, seconds: 15) { $0["JobState"] == "COMPLETED" }
        #expect(ran["JobState"] == "COMPLETED", "\(ran)\n\(slurm.log)")
        #expect((ran["EligibleTime"].flatMap { Timestamp.parseRFC3339($0 + "+09:00") } ?? .max) <= submitted + 5, "\(ran)")

        // Still held a few seconds before its window; then it runs, not before the begin time.
        let early = try slurm.job(green.id)
        #expect(early["JobState"] == "PENDING", "\(early)")
        let done = try slurm.waitForJob(green.id, seconds: Double(eligible - Timestamp.nowMilliseconds() / 1000) + 20) { $0["JobState"] == "COMPLETED" }
        #expect(done["JobState"] == "COMPLETED", "\(done)\n\(slurm.log)")
        let started = try #require(done["StartTime"].flatMap { Timestamp.parseRFC3339($0 + "+09:00") }, "\(done)")
        #expect(started >= eligible, "started \(started) before its begin time \(eligible)")
        let printed = try String(contentsOfFile: directory.path + "/job-\(green.id).out", encoding: .utf8)
        #expect((Int64(printed.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) >= eligible, "the job ran at \(printed)")

        // The collector gone: an opted-in job is submitted unchanged (logged, never blocked) and runs at once.
        collector.stop()
        let orphan = try slurm.submit(["--comment=greencap", "--time=2", "--output=\(output)", "--wrap", "true"])
        #expect(orphan.output.contains("submitted unchanged"), "\(orphan.output)")
        let unblocked = try slurm.waitForJob(orphan.id, seconds: 15) { $0["JobState"] == "COMPLETED" }
        #expect(unblocked["JobState"] == "COMPLETED", "\(unblocked)\n\(slurm.log)")
        #expect(slurm.log.contains("collector unreachable"), "\(slurm.log)")
    }
}
