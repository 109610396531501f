import GreencapCore
import Grid
import Testing

/// Damaged or doubtful KPX files: an error naming file, line and field, or a warning that says where;
/// never a silently wrong number.
@Suite struct KPXBadInputTests {
    static let hours = (1...24).map { "\($0)시" }.joined(separator: ",")
    static let dayHeader = "날짜," + hours

    static func values(_ value: (Int) -> String) -> String { (1...24).map(value).joined(separator: ",") }

    static let windDay = values { "\(10 + $0)" }

    static func failure(_ text: String, region: String = "KR-49", quantity: FeedQuantity? = .wind) -> FeedFileError? {
        do {
            _ = try KPXFile.parse(text, file: "bad.csv", region: region, quantity: quantity)
            return nil
        } catch {
            return error
        }
    }

    @Test func dayRowErrorsNameLineAndField() throws {
        let truncated = try #require(Self.failure("\(Self.dayHeader)\n2024-01-01,\(Self.windDay)\n2024-01-02,1,2,3\n"))
        #expect(truncated.file == "bad.csv" && truncated.line == 3 && truncated.problem.contains("truncated"))

        let duplicate = try #require(Self.failure("\(Self.dayHeader)\n2024-01-01,\(Self.windDay)\n2024/01/01,\(Self.windDay)\n"))
        #expect(duplicate.line == 3 && duplicate.field == "날짜" && duplicate.problem == "duplicate date 2024-01-01 (first on line 2)")

        let text = try #require(Self.failure("\(Self.dayHeader)\n2024-01-01,\(Self.values { $0 == 13 ? "12a" : "1" })\n"))
        #expect(text.line == 2 && text.field == "13시" && text.problem.contains("'12a'"))

        let date = try #require(Self.failure("\(Self.dayHeader)\n2024-02-30,\(Self.windDay)\n"))
        #expect(date.line == 2 && date.field == "날짜")

        let negativeDemand = try #require(Self.failure("\(Self.dayHeader)\n2024-01-01,\(Self.values { $0 == 7 ? "-650" : "650" })\n", quantity: .demand))
        #expect(negativeDemand.line == 2 && negativeDemand.field == "7시" && negativeDemand.problem.contains("not a possible load"))

        let mixed = try #require(Self.failure("\(Self.dayHeader)\n2024-01-01,\(Self.values { $0 == 9 ? "831.3" : "831297" })\n", quantity: .demand))
        #expect(mixed.line == 2 && mixed.field == "9시" && mixed.problem.contains("mixed units"))

        let unitLie = try #require(Self.failure("날짜," + (1...24).map { "\($0)시(MW)" }.joined(separator: ",") + "\n2024-01-01,\(Self.values { _ in "831297" })\n", quantity: .demand))
        #expect(unitLie.line == 2 && unitLie.problem.contains("the header says MW"))

        let empty = try #require(Self.failure("\(Self.dayHeader)\n\n"))
        #expect(empty.line == 2 && empty.problem.contains("no data rows"))
    }

    @Test func aMissingQuantityIsAskedForWithASuggestion() throws {
        let solarDay = Self.values { (8...17).contains($0) ? "120" : "0" }
        let missing = try #require(Self.failure("\(Self.dayHeader)\n2024-01-01,\(solarDay)\n", quantity: nil))
        #expect(missing.line == 1 && missing.problem.contains("does not say whether the hours are solar, wind or demand"))
        #expect(missing.problem.contains("look like solar") && missing.problem.contains("--quantity solar"))

        let conflict = try #require(Self.failure("날짜," + (1...24).map { "태양광 \($0)시" }.joined(separator: ",") + "\n2024-01-01,\(solarDay)\n", quantity: .wind))
        #expect(conflict.problem == "the header names solar but the file was stated to hold wind")

        let mainland = try #require(Self.failure("\(Self.dayHeader)\n2024-01-01,\(solarDay)\n", region: "KR-46"))
        #expect(mainland.problem.contains("only for Jeju (KR-49)") && mainland.problem.contains("--region KR-49"))
    }

    @Test func doubtfulDayRowsAreImportedWithWarningsThatSayWhere() throws {
        let text = "\(Self.dayHeader)\n2024-01-03,\(Self.values { $0 == 3 ? "-0.5" : "\(20 + $0)" })\n2024-01-01,\(Self.windDay)\n"
        let imported = try KPXFile.parse(text, file: "odd.csv", region: "KR-49", quantity: .wind)
        #expect(imported.hours.count == 48)
        #expect(imported.hours.first?.startUTC == Timestamp.parseRFC3339("2024-01-01T00:00:00+09:00"), "imported by date")
        #expect(imported.hours.contains { $0.windMW == -0.5 })
        #expect(imported.warnings == [
            "1 negative value(s) kept as published (station consumption): line 2 3시: -0.5",
            "rows out of date order at line(s) 3; imported by date",
            "1 day(s) missing between 2024-01-01 and 2024-01-03, first 2024-01-02; not filled in",
        ])
    }

    static let curtailmentHeader = "구분,기준일,연도별 시행회차," + hours + ",총제어량"

    static func curtailmentRow(_ fuel: String, _ date: String, _ number: String, _ cells: (Int) -> String, total: String) -> String {
        "\(fuel),\(date),\(number),\(values(cells)),\(total)"
    }

    @Test func curtailmentErrorsNameLineAndField() throws {
        func failure(_ rows: [String], header: String = Self.curtailmentHeader, quantity: FeedQuantity? = nil) -> FeedFileError? {
            Self.failure(([header] + rows).joined(separator: "\n"), quantity: quantity)
        }
        let good = Self.curtailmentRow("풍력", "2024-01-01", "1", { $0 == 13 ? "5" : "0" }, total: "5")

        let negative = try #require(failure([Self.curtailmentRow("풍력", "2024-01-02", "1", { $0 == 14 ? "-3" : "0" }, total: "3")]))
        #expect(negative.line == 2 && negative.field == "14시" && negative.problem.contains("negative curtailed energy"))

        let word = try #require(failure([Self.curtailmentRow("풍력", "2024-01-02", "1", { $0 == 14 ? "abc" : "0" }, total: "3")]))
        #expect(word.line == 2 && word.field == "14시" && word.problem.contains("'abc'"))

        let fuel = try #require(failure([good, Self.curtailmentRow("수력", "2024-01-02", "2", { _ in "0" }, total: "0")]))
        #expect(fuel.line == 3 && fuel.field == "구분" && fuel.problem.contains("expected 태양광 or 풍력"))

        let duplicate = try #require(failure([good, Self.curtailmentRow("풍력", "2024-01-01", "2", { _ in "0" }, total: "0")]))
        #expect(duplicate.line == 3 && duplicate.field == "기준일" && duplicate.problem.contains("first on line 2"))

        let stated = try #require(failure([good], quantity: .solar))
        #expect(stated.line == 2 && stated.problem.contains("a wind row in a file stated to hold solar"))

        let truncated = try #require(failure([good, "풍력,2024-01-02,2,0,0"]))
        #expect(truncated.line == 3 && truncated.problem.contains("truncated"))

        let demand = try #require(failure([good], quantity: .demand))
        #expect(demand.problem.contains("not demand"))

        let noFuel = try #require(failure(["2024-01-01,1"], header: "일자,횟수", quantity: nil))
        #expect(noFuel.line == 1 && noFuel.problem.contains("--quantity solar or --quantity wind"))

        let eventsHeader = "일자,제어지역,누적 시행회차," + Self.hours
        let province = try #require(failure(["2024-04-07,\"전남, 서울특별시X\",1,\(Self.values { _ in "0" })"], header: eventsHeader, quantity: .solar))
        #expect(province.line == 2 && province.field == "제어지역" && province.problem.contains("unknown province '서울특별시X'"))
    }

    @Test func doubtfulCurtailmentRowsAreKeptWithWarnings() throws {
        let text = [
            Self.curtailmentHeader,
            Self.curtailmentRow("풍력", "2024-01-01", "1", { $0 == 13 ? "5.2" : "0" }, total: "9.0"),
            Self.curtailmentRow("풍력", "2024-01-05", "3", { $0 == 13 ? "1" : "0" }, total: "1"),
            Self.curtailmentRow("태양광", "2024-01-05", "1", { _ in "" }, total: ""),
        ].joined(separator: "\n")
        let imported = try KPXFile.parse(text, file: "c.csv", region: "KR-49")
        #expect(imported.hours.count == 5 * 24)
        #expect(imported.warnings == [
            "line 3: wind event number goes from 1 to 3: a curtailment row may be missing",
            "1 day(s) whose hours do not add up to the published total beyond rounding (hours kept as published): line 2 (2024-01-01): hours sum to 5.2, 총제어량 says 9.0",
        ])
        // Two rows on one day for different provinces are two events, not a duplicate.
        let header = "일자,제어지역,누적 시행회차," + Self.hours
        let events = try KPXCurtailmentFile.events(
            [header, "2024-04-07,전남,1,\(Self.values { $0 == 13 ? "출력제어" : "0" })", "2024-04-07,\"경북, 강원\",2,\(Self.values { $0 == 14 ? "출력제어" : "0" })"].joined(separator: "\n"),
            file: "e.csv", quantity: .wind)
        #expect(events.events.map(\.regions) == [["KR-46"], ["KR-47", "KR-42"]])
        #expect(events.warnings.isEmpty)
    }

    @Test func mergeRefusesFilesThatDisagreeAndPrefersAListedRowToSilence() throws {
        let header = Self.dayHeader
        let first = try KPXFile.parse("\(header)\n2024-01-01,\(Self.windDay)\n", file: "a.csv", region: "KR-49", quantity: .wind)
        let second = try KPXFile.parse("\(header)\n2024-01-01,\(Self.values { $0 == 5 ? "99" : "\(10 + $0)" })\n", file: "b.csv", region: "KR-49", quantity: .wind)
        var merge = FeedMerge(region: "KR-49")
        try merge.add(first)
        try merge.add(first)  // the same values again are no conflict
        #expect {
            try merge.add(second)
        } throws: { error in
            let error = error as? FeedFileError
            return error?.file == "b.csv" && error?.line == 2 && error?.field == "wind" && error?.problem.contains("99.0 MW here but 15.0 MW in a.csv:2") == true
        }

        let curtailmentHeader = "일자,횟수," + Self.hours + ",총제어량"
        let around = try KPXFile.parse(
            [curtailmentHeader, "2024-01-01,1,\(Self.values { _ in "0" }),0", "2024-01-03,2,\(Self.values { _ in "0" }),0"].joined(separator: "\n"),
            file: "around.csv", region: "KR-49", quantity: .wind)
        let listed = try KPXFile.parse(
            [curtailmentHeader, "2024-01-02,9,\(Self.values { $0 == 12 ? "7" : "0" }),7"].joined(separator: "\n"),
            file: "listed.csv", region: "KR-49", quantity: .wind)
        var curtailment = FeedMerge(region: "KR-49")
        try curtailment.add(around)
        try curtailment.add(listed)
        let noon = try #require(curtailment.hours.first { $0.startUTC == Timestamp.parseRFC3339("2024-01-02T11:00:00+09:00") })
        #expect(noon.curtailment.wind == FuelCurtailment(state: .active, curtailedMW: 7))
        #expect(curtailment.warnings.count == 1 && curtailment.warnings[0].hasPrefix("listed.csv: 1 hour(s) where one curtailment file lists a day"))
        var reversed = FeedMerge(region: "KR-49")
        try reversed.add(listed)
        try reversed.add(around)
        #expect(reversed.hours == curtailment.hours, "the order files are given in does not matter")
    }
}
