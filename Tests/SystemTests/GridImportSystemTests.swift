import Foundation
import GreencapCore
import GreencapTestSupport
import Testing

/// `greencap grid import` against KPX's files as published.
@Suite struct GridImportSystemTests {
    static let raw = Paths.repository + "/Data/grid/raw/"

    /// The normalized file as column name → text per row.
    static func rows(_ path: String) throws -> [[String: String]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let names = lines[0].split(separator: ",").map(String.init)
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(names, $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init))) }
    }

    /// The CSV rows printed (standard error, merged in, carries no line starting with a year).
    static func printed(_ output: String) -> [String: [String: String]] {
        let lines = output.split(separator: "\n")
        guard let header = lines.first(where: { $0.hasPrefix("start_utc,") }) else { return [:] }
        let names = header.split(separator: ",").map(String.init)
        var rows: [String: [String: String]] = [:]
        for line in lines where line.hasPrefix("20") {
            let row = Dictionary(uniqueKeysWithValues: zip(names, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
            rows[row["start_utc"] ?? ""] = row
        }
        return rows
    }

    static func kst(_ utc: String) throws -> String {
        Timestamp.formatRFC3339(try #require(Timestamp.parseRFC3339(utc)), offsetSeconds: Timestamp.kstOffsetSeconds)
    }

    @Test func importReproducesTheNormalizedJeonnamValuesFromEachRawFile() throws {
        let reference = try String(contentsOfFile: Paths.jeonnamCSV, encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        // ts_start_kst → (solar, wind) exactly as written in the normalized file.
        var expected: [String: (String, String)] = [:]
        for row in reference { expected[String(row[0])] = (String(row[3]), String(row[4])) }
        var compared = 0
        for name in ["2023-03_2023-05", "2023-06_2023-08", "2023-12"] {
            let file = Self.raw + "kpx_regional/kpx_regional_solar_wind_hourly_\(name).cp949.csv"
            let result = try Subprocess.run(try Paths.executable("greencap"), ["grid", "import", file, "--region", "KR-46"])
            #expect(result.status == 0, "\(result.output)")
            for line in result.output.split(separator: "\n") where line.hasPrefix("20") {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                let kst = try Self.kst(String(fields[0]))
                let reference = try #require(expected[kst], "\(kst) missing from the normalized file")
                #expect(Double(fields[1]) == Double(reference.0), "solar at \(kst)")
                #expect(fields[2].isEmpty == reference.1.isEmpty)
                if !reference.1.isEmpty { #expect(Double(fields[2]) == Double(reference.1), "wind at \(kst)") }
                #expect(fields[4] == "unknown", "a regional file says nothing about curtailment")
                compared += 1
            }
        }
        #expect(compared == 2208 + 2208 + 744)
    }

    @Test func jejuSolarWindDemandAndCurtailmentFilesMergeIntoTheNormalizedRows() throws {
        let solar = Self.raw + "jeju/kpx_jeju_solar_hourly_2019-12_2022-12.cp949.csv"
        let wind = Self.raw + "jeju/kpx_jeju_wind_hourly_2019-12_2022-12.cp949.csv"
        let demand = Self.raw + "jeju/kpx_jeju_demand_hourly_2017-01_2022-12.cp949.csv"
        let curtailment = Self.raw + "kpx_curtailment/kpx_jeju_curtailment_hourly_2017-03_2022-12.cp949.csv"
        // No --region: every file is a Jeju-only layout, so KR-49.
        let result = try Subprocess.run(
            try Paths.executable("greencap"),
            ["grid", "import", solar, wind, demand, curtailment, "--quantity", "\(solar)=solar", "--quantity", "\(wind)=wind", "--quantity", "demand"])
        #expect(result.status == 0, "\(result.output.suffix(2000))")
        #expect(result.output.contains("\(demand): warning: no unit in the header: demand unit read from each day's size"))
        #expect(result.output.contains("\(curtailment): curtailment hours layout, 52560 hours for KR-49"))
        let printed = Self.printed(result.output)
        var byKST: [String: [String: String]] = [:]
        for (utc, row) in printed { byKST[try Self.kst(utc)] = row }
        var compared = 0
        for expected in try Self.rows(Paths.repository + "/Data/grid/jeju_renewables_demand_curtailment_hourly_2019-12_2022-12.csv") {
            let stamp = expected["ts_start_kst"] ?? ""
            let row = try #require(byKST[stamp], "\(stamp) not printed")
            #expect(Double(row["solar_mw"] ?? "") == Double(expected["solar_mwh"] ?? "-"), "solar at \(stamp)")
            #expect(Double(row["wind_mw"] ?? "") == Double(expected["wind_mwh"] ?? "-"), "wind at \(stamp)")
            #expect(Double(row["demand_mw"] ?? "") == Double(expected["demand_mwh"] ?? "-"), "demand at \(stamp)")
            #expect(Double(row["wind_curtailed_mw"] ?? "") ?? 0 == Double(expected["wind_curtailed_mwh"] ?? "-"), "curtailed wind at \(stamp)")
            #expect(row["wind_curtailment"] == (expected["wind_curtail_hour"] == "1" ? "active" : "none"), "wind curtailment at \(stamp)")
            #expect(row["solar_curtailment"] == (expected["solar_curtail_day"] == "1" ? "active-day" : "none"), "solar curtailment at \(stamp)")
            compared += 1
        }
        #expect(compared == 27048)
        // Demand runs from 2017 and the curtailment records to 2023-03-19: those hours print with blanks.
        #expect(printed.count == 54456)
        #expect(printed["2016-12-31T15:00:00Z"]?["demand_mw"] == "656.378000")
        #expect(printed["2016-12-31T15:00:00Z"]?["solar_mw"] == "")
    }

    @Test func mainlandCurtailmentAsJSONForJeonnam() throws {
        let file = Self.raw + "kpx_curtailment/kpx_mainland_wind_curtailment_events_2024-04_2025-11.cp949.csv"
        let result = try Subprocess.run(try Paths.executable("greencap"), ["grid", "import", file, "--region", "KR-46", "--quantity", "wind", "--format", "json"])
        #expect(result.status == 0, "\(result.output.suffix(2000))")
        let json = String(result.output[try #require(result.output.firstIndex(of: "["))...])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        let active = rows.filter { $0["wind_curtailment"] as? String == "active" }.compactMap { $0["start_utc"] as? String }
        let expected = try Self.rows(Paths.repository + "/Data/grid/kpx_mainland_curtailment_hours_2024-03_2025-11.csv")
            .filter { $0["fuel"] == "wind" && $0["includes_jeonnam"] == "1" }.compactMap { $0["ts_start_kst"] }
        #expect(try Set(active.map(Self.kst)) == Set(expected))
        #expect(active.count == expected.count)
        #expect(rows.allSatisfy { $0["solar_curtailment"] as? String == "unknown" && $0["solar_mw"] == nil })
    }

    @Test func filesItCannotReadCorrectlyStopWithTheFileNamed() throws {
        let greencap = try Paths.executable("greencap")
        let solar = Self.raw + "jeju/kpx_jeju_solar_hourly_2019-12_2022-12.cp949.csv"
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        // The header names no quantity; the published name would, so the copy gets a name that does not.
        let anonymous = directory.path + "/jeju_hourly.csv"
        try FileManager.default.copyItem(atPath: solar, toPath: anonymous)
        let unstated = try Subprocess.run(greencap, ["grid", "import", anonymous])
        #expect(unstated.status != 0)
        #expect(unstated.output.contains("\(anonymous):1:") && unstated.output.contains("--quantity solar"), "\(unstated.output)")
        let named = try Subprocess.run(greencap, ["grid", "import", solar])
        #expect(named.status == 0 && named.output.contains("daily hours (solar) layout"), "\(named.output)")

        let odd = try directory.write("odd.csv", "날짜,값\n2024-01-01,3\n")
        let unknown = try Subprocess.run(greencap, ["grid", "import", odd])
        #expect(unknown.status != 0)
        #expect(unknown.output.contains("\(odd):1:") && unknown.output.contains("unknown KPX layout: header '날짜,값'"), "\(unknown.output)")

        let elsewhere = try Subprocess.run(greencap, ["grid", "import", solar, "--quantity", "other.csv=solar"])
        #expect(elsewhere.status != 0 && elsewhere.output.contains("other.csv is not among the files"), "\(elsewhere.output)")

        let mainland = try Subprocess.run(greencap, ["grid", "import", solar, "--quantity", "solar", "--region", "KR-46"])
        #expect(mainland.status != 0 && mainland.output.contains("--region KR-49"), "\(mainland.output)")
    }

    /// The Jeju files as KPX publishes them, in one directory: what `grid backtest --data DIR` reads.
    static func jejuDirectory() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory.make()
        for file in [
            "jeju/kpx_jeju_solar_hourly_2019-12_2022-12.cp949.csv", "jeju/kpx_jeju_wind_hourly_2019-12_2022-12.cp949.csv",
            "jeju/kpx_jeju_demand_hourly_2017-01_2022-12.cp949.csv", "kpx_curtailment/kpx_jeju_curtailment_hourly_2017-03_2022-12.cp949.csv",
        ] {
            try FileManager.default.copyItem(atPath: raw + file, toPath: directory.path + "/" + (file.split(separator: "/").last.map(String.init) ?? file))
        }
        return directory
    }

    @Test func backtestPrintsTheThreeScoresAsJSON() throws {
        let directory = try Self.jejuDirectory()
        defer { directory.remove() }
        let result = try Subprocess.run(
            try Paths.executable("greencap"), ["grid", "backtest", "--data", directory.path, "--from", "2022-04-01", "--to", "2022-04-30", "--json"])
        #expect(result.status == 0, "\(result.output)")
        let json = try #require(result.output.split(separator: "\n").drop { !$0.hasPrefix("{") }.joined(separator: "\n").data(using: .utf8))
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["hours"] as? Int == 720)
        for name in ["model", "baseline_persistence", "baseline_nowcast"] {
            let score = try #require(object[name] as? [String: Double], "\(name) in \(object)")
            #expect(Set(score.keys) == ["precision", "recall", "f1"])
            #expect(score.values.allSatisfy { (0...1).contains($0) })
        }
    }

    @Test func windowsAndForecastReadOnlyTheFiles() throws {
        let directory = try Self.jejuDirectory()
        defer { directory.remove() }
        let greencap = try Paths.executable("greencap")
        let windows = try Subprocess.run(
            greencap, ["grid", "windows", "--data", directory.path, "--at", "2022-04-08T18:00:00+09:00", "--duration", "6h", "--count", "2"])
        #expect(windows.status == 0, "\(windows.output)")
        #expect(windows.output.contains("1. start 2022-04-09 10:00 KST"), "\(windows.output)")
        let late = try Subprocess.run(greencap, ["grid", "forecast", "--data", directory.path, "--at", "2030-01-01"])
        #expect(late.status == 0 || late.output.contains("hour(s) on record"), "\(late.output)")
        let bad = try Subprocess.run(greencap, ["grid", "backtest", "--data", directory.path, "--from", "2022-13-01", "--to", "2022-12-31"])
        #expect(bad.status != 0 && bad.output.contains("--from '2022-13-01'"), "\(bad.output)")
    }
}
