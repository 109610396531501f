import Foundation
import GreencapCore
import GreencapTestSupport
import Grid
import Testing

/// "The energy team's `windows` answer matches the forecaster's library result for the same data": the CLI's
/// JSON from a real collector replaying the repository's Jeonnam file, against `GreenForecaster` and
/// `JobWindows` run here on the same file. The replay runs at real speed (speed 1), so the collector's
/// current hour cannot move during the test and the forecast it issues is for a known hour.
@Suite(.serialized) struct WindowsMatchForecasterTests {
    static let start = "2023-05-10T09:00:00+09:00"

    /// What the collector should answer: the forecast issued for the hour after `start` from the hours the
    /// forecaster reads before it, and the best windows in it.
    static func libraryResult(duration: Int, count: Int) throws -> (forecast: GreenForecast, windows: [JobWindow]) {
        let text = try String(contentsOfFile: Paths.jeonnamCSV, encoding: .utf8)
        let records = try NormalizedHourlyCSV.parse(text, file: Paths.jeonnamCSV, region: "KR-46")
        let startUTC = try #require(Timestamp.parseRFC3339(start))
        let forecaster = GreenForecaster()
        let span = Int64(forecaster.scorer.windowHours + forecaster.baselineDays * 24) * 3600
        let hours = records.filter { $0.startUTC >= startUTC - span && $0.startUTC <= startUTC }.map {
            FeedHour(region: "KR-46", startUTC: $0.startUTC, solarMW: $0.solarMW, windMW: $0.windMW)
        }
        let forecast = try forecaster.forecast(history: GridHistory(region: "KR-46", hours: hours), issuedUTC: startUTC + 3600, hours: 48)
        return (forecast, try JobWindows.best(forecast: forecast.hours, durationHours: duration, count: count))
    }

    @Test func windowsJSONMatchesTheLibrary() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let collector = try ReplayCollector(directory: directory, start: Self.start, speed: 1)
        defer { collector.stop() }
        let expected = try Self.libraryResult(duration: 6, count: 3)

        let result = try collector.greencap(["windows", "--duration", "6h", "--count", "3", "--json"])
        #expect(result.status == 0, "\(result.output)\n\(collector.process.text)")
        let body = try #require(jsonObject(result.output), "\(result.output)")
        #expect(body["input"] as? String == "forecast")
        let windows = try #require(body["windows"] as? [[String: Any]])
        #expect(windows.count == expected.windows.count && windows.count == 3, "\(result.output)")
        // Times are on the wall clock; at speed 1 the map is a shift, so offsets from the issue time are exact.
        let issued = try #require(milliseconds(body["issued"] as? String), "\(result.output)")
        for (window, library) in zip(windows, expected.windows) {
            let start = try #require(milliseconds(window["start"] as? String))
            #expect(start - issued == (library.startUTC - expected.forecast.issuedUTC) * 1000, "\(window) vs \(library)")
            #expect(window["hours"] as? Int == 6)
            #expect(abs((window["mean_score"] as? Double ?? -1) - library.meanScore) <= 1e-12, "\(window) vs \(library)")
            let scores = window["hourly_scores"] as? [Double] ?? []
            #expect(scores.count == 6 && zip(scores, library.hourlyScores).allSatisfy { abs($0 - $1) <= 1e-12 }, "\(scores) vs \(library.hourlyScores)")
        }
        // The wall clock: the collector's current hour began at its start, so the forecast is issued within the hour.
        let now = Timestamp.nowMilliseconds()
        #expect(issued > now && issued <= now + 3_600_000, "issued \(issued) vs now \(now)")

        // The table a person reads: the same windows, best first, in local time.
        let table = try collector.greencap(["windows", "--duration", "6h", "--count", "3"], environment: ["TZ": "KST-9"])
        let rows = table.output.split(separator: "\n").filter { $0.first?.isNumber == true }
        #expect(table.status == 0 && rows.count == 3, "\(table.output)")
        for (row, window) in zip(rows, windows) {
            let start = (milliseconds(window["start"] as? String) ?? 0) / 1000
            let local = String(Timestamp.formatRFC3339(start, offsetSeconds: 9 * 3600).dropLast(6))
            #expect(row.contains(local), "\(row) should show \(local)")
        }

        // `slurm begin` picks the first of those windows, as a local time and as the epoch job_submit.lua sets.
        let begin = try collector.greencap(["slurm", "begin", "--duration", "6h", "--json"], environment: ["TZ": "KST-9"])
        #expect(begin.status == 0, "\(begin.output)")
        let answer = try #require(jsonObject(begin.output), "\(begin.output)")
        let firstStart = try #require(milliseconds(windows.first?["start"] as? String))
        let epoch = try #require(answer["begin_epoch"] as? Int)
        #expect(Int64(epoch) == (firstStart + 999) / 1000, "\(begin.output)")
        #expect(answer["begin"] as? String == Timestamp.formatRFC3339(Int64(epoch), offsetSeconds: 9 * 3600).replacingOccurrences(of: "+09:00", with: ""))
        let plain = try collector.greencap(["slurm", "begin", "--duration", "6h"], environment: ["TZ": "KST-9"])
        #expect(plain.status == 0 && plain.output == "\(answer["begin"] as? String ?? "?")\n", "\(plain.output)")
    }

    @Test func greenHoursShowsTheForecastAsPlainBarsWhenPiped() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let collector = try ReplayCollector(directory: directory, start: Self.start, speed: 1, extraGrid: "site_floor = \"300kW\"\nsite_ceiling = \"600kW\"")
        defer { collector.stop() }
        let expected = try Self.libraryResult(duration: 1, count: 1)

        let table = try collector.greencap(["green-hours", "--hours", "12h"])
        #expect(table.status == 0, "\(table.output)\n\(collector.process.text)")
        let rows = table.output.split(separator: "\n").dropFirst(2)
        #expect(rows.count == 12, "\(table.output)")
        // Not a terminal: plain '#' bars, one per 0.05 of score, and no escape codes.
        #expect(!table.output.contains("\u{1B}"), "\(table.output)")
        for (row, hour) in zip(rows, expected.forecast.hours) {
            let bar = row.split(separator: " ").last.map(String.init) ?? ""
            let hashes = Int((min(max(hour.score, 0), 1) * 20).rounded())
            #expect(hashes == 0 || bar == String(repeating: "#", count: hashes), "\(row) for score \(hour.score)")
        }

        // The same forecast as JSON: on the wall clock (the replay's next hour starts within the hour) and with
        // the site's budget per hour from [grid] site_floor/site_ceiling.
        let json = try collector.greencap(["green-hours", "--hours", "3h", "--json"])
        let hours = try #require(jsonObject(json.output)?["hours"] as? [[String: Any]], "\(json.output)")
        let first = try #require(milliseconds(hours.first?["start"] as? String), "\(json.output)")
        let now = Timestamp.nowMilliseconds()
        #expect(hours.count == 3 && first > now && first <= now + 3_600_000, "\(json.output)")
        for (hour, expectedHour) in zip(hours, expected.forecast.hours) {
            #expect(abs((hour["budget_kw"] as? Double ?? -1) - (300 + 300 * expectedHour.score)) <= 1e-9, "\(hour)")
        }
        #expect(table.output.contains("BUDGET"), "\(table.output)")

        // With the site budget configured, a job's power filters windows; without one it is refused with the fix.
        let fits = try collector.greencap(["windows", "--duration", "2h", "--power", "400kW", "--json"])
        #expect(fits.status == 0, "\(fits.output)")
        let budgets = (jsonObject(fits.output)?["windows"] as? [[String: Any]])?.compactMap { $0["hourly_budget_kw"] as? [Double] } ?? []
        #expect(!budgets.isEmpty && budgets.allSatisfy { $0.allSatisfy { $0 >= 400 } }, "\(fits.output)")
        let tooBig = try collector.greencap(["windows", "--duration", "2h", "--power", "700kW"])
        #expect(tooBig.status == 65 && tooBig.output.contains("site's hourly budget"), "\(tooBig.output)")
    }

    @Test func exitCodesScriptsCanUse() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        guard let port = LoopbackPort.unused() else { throw TestFailure("no free port") }
        // Nothing listens on the port: 69, and nothing on standard output for `--begin=$(...)` to use.
        let down = try Subprocess.run(
            try Paths.executable("greencap"), ["slurm", "begin", "--duration", "90m", "--collector", "http://127.0.0.1:\(port)"],
            environment: ["XDG_CONFIG_HOME": directory.path])
        #expect(down.status == 69, "\(down.output)")
        #expect(down.output.hasPrefix("greencap: "), "\(down.output)")
        let usage = try Subprocess.run(try Paths.executable("greencap"), ["windows", "--duration", "3 weeks"], environment: ["XDG_CONFIG_HOME": directory.path])
        #expect(usage.status == 64, "\(usage.output)")
        let tooLong = try Subprocess.run(
            try Paths.executable("greencap"), ["slurm", "begin", "--duration", "49h"], environment: ["XDG_CONFIG_HOME": directory.path])
        #expect(tooLong.status == 64 && tooLong.output.contains("--within"), "\(tooLong.output)")
    }
}
