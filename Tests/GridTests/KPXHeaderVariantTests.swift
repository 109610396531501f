import GreencapCore
import Grid
import Testing

/// Releases we have not seen: reworded, respaced and re-unit headers must import the same values.
@Suite struct KPXHeaderVariantTests {
    static func header(_ date: String, _ hour: (Int) -> String, extra: [String] = []) -> String {
        ([date] + (1...24).map(hour) + extra).joined(separator: ",")
    }

    static func row(_ date: String, _ values: [String], extra: [String] = []) -> String {
        ([date] + values + extra).joined(separator: ",")
    }

    /// A day's 24 values: the hour number times `scale` (so each hour is recognisable).
    static func day(_ scale: Double) -> [String] { (1...24).map { String(Double($0) * scale) } }

    static func parse(_ text: String, region: String = "KR-49", quantity: FeedQuantity? = nil) throws(FeedFileError) -> KPXImport {
        try KPXFile.parse(text, file: "x.csv", region: region, quantity: quantity)
    }

    static let start = Timestamp.parseRFC3339("2024-04-01T00:00:00+09:00") ?? 0

    @Test(arguments: [
        header("날짜") { "\($0)시" },
        header(" 거래 일자 ") { " \($0) 시 " },
        header("\u{FEFF}일자") { "\($0)시간" },
        header("기준일") { String(format2: $0) + "시" },
        header("date") { "H\($0)" },
        header("trade_date") { "\($0)h" },
        header("Date") { "hour \($0)" },
    ])
    func dayRowHeadersImportWhateverTheirWording(header: String) throws {
        let imported = try Self.parse([header, Self.row("2024-04-01", Self.day(1.5)), Self.row("2024/04/02", Self.day(2))].joined(separator: "\n"), quantity: .wind)
        #expect(imported.layout.kind == .dailyHours && imported.layout.quantity == .wind)
        #expect(imported.hours.count == 48)
        #expect(imported.hours[0] == FeedHour(region: "KR-49", startUTC: Self.start, windMW: 1.5))
        #expect(imported.hours[47] == FeedHour(region: "KR-49", startUTC: Self.start + 47 * 3600, windMW: 48))
        #expect(imported.warnings.isEmpty, "\(imported.warnings)")
    }

    @Test func aQuantityWordAndUnitInTheHeaderNeedNoStatement() throws {
        let solar = try Self.parse([Self.header("날짜") { "태양광 \($0)시(kWh)" }, Self.row("2024-04-01", Self.day(1000))].joined(separator: "\n"))
        #expect(solar.layout.quantity == .solar)
        #expect(solar.hours.map(\.solarMW) == (1...24).map { Double($0) })
        #expect(solar.warnings.isEmpty)
        let demand = try Self.parse([Self.header("거래일자") { "\($0)시" } + ",단위: 전력수요(MW)", Self.row("2024-04-01", Self.day(40), extra: [""])].joined(separator: "\n"))
        #expect(demand.layout.quantity == .demand)
        #expect(demand.hours.first?.demandMW == 40)
        #expect(demand.warnings.isEmpty, "a unit in the header is not a guess: \(demand.warnings)")
    }

    @Test func demandInKWAndInMWComeOutTheSame() throws {
        let kW = (1...24).map { String(800_000 + $0 * 1001) }
        let mW = (1...24).map { String(Double(800_000 + $0 * 1001) / 1000) }
        let header = Self.header("거래일자") { "\($0)시" }
        let fromKW = try Self.parse([header, Self.row("2024-04-01", kW)].joined(separator: "\n"), quantity: .demand)
        let fromMW = try Self.parse([header, Self.row("2024-04-01", mW)].joined(separator: "\n"), quantity: .demand)
        #expect(fromKW.hours == fromMW.hours)
        #expect(fromKW.hours[0].demandMW == 801.001)
        #expect(fromKW.warnings == ["no unit in the header: demand unit read from each day's size (Jeju's load is 400–1,200 MW): lines 2–2 in kW; kW divided by 1000"])
        #expect(fromMW.warnings == ["no unit in the header: demand unit read from each day's size (Jeju's load is 400–1,200 MW): lines 2–2 in MW"])
        // A release that switches unit part-way: each day by its own size, and the warning says where.
        let switching = try Self.parse([header, Self.row("2024-04-01", kW), Self.row("2024-04-02", mW)].joined(separator: "\n"), quantity: .demand)
        #expect(switching.hours[0].demandMW == switching.hours[24].demandMW)
        #expect(switching.warnings.count == 1, "\(switching.warnings)")
        #expect(switching.warnings.first?.hasSuffix("lines 2–2 in kW, lines 3–3 in MW; kW divided by 1000") == true)
        let spelled = try Self.parse([Self.header("거래일자") { "\($0)시(kW)" }, Self.row("2024-04-01", kW)].joined(separator: "\n"), quantity: .demand)
        #expect(spelled.hours == fromKW.hours && spelled.warnings.isEmpty)
    }

    @Test func generationInKWIsFoundFromItsSizeAndSaidSo() throws {
        let imported = try Self.parse([Self.header("날짜") { "\($0)시" }, Self.row("2024-04-01", Self.day(10_000))].joined(separator: "\n"), quantity: .wind)
        #expect(imported.hours[0].windMW == 10)
        #expect(imported.warnings.first?.contains("read as kW(h) and divided by 1000") == true)
    }

    @Test func blankCellsStayBlank() throws {
        var values = Self.day(1)
        values[4] = ""
        values[5] = " "
        let imported = try Self.parse([Self.header("날짜") { "\($0)시" }, Self.row("2024-04-01", values)].joined(separator: "\n"), quantity: .wind)
        #expect(imported.hours.count == 22)
        #expect(!imported.hours.contains { $0.startUTC == Self.start + 4 * 3600 })
        #expect(imported.warnings == ["2 blank cell(s) left empty, not zero: line 2 5시; line 2 6시"])
    }

    @Test func curtailmentHeadersImportWhateverTheirWording() throws {
        let cells = (1...24).map { $0 == 13 ? "12.5" : $0 == 14 ? "" : "0" }
        for header in [
            "구분,기준일,연도별 시행회차," + (1...24).map { "\($0)시" }.joined(separator: ",") + ",총제어량",
            " 구분 , 기준 일자 , 시행 회차 ," + (1...24).map { "0\($0)시".suffix(3) + "" }.map(String.init).joined(separator: ",") + ", 총 제어량 (MWh) ",
            "fuel,date,event count," + (1...24).map { "h\($0)" }.joined(separator: ",") + ",curtailed total (MWh)",
        ] {
            let text = [header, (["풍력", "2024-04-01", "1"] + cells + ["12.5"]).joined(separator: ",")].joined(separator: "\n")
            let imported = try Self.parse(text)
            #expect(imported.layout.kind == .curtailmentHours, "\(header)")
            #expect(imported.hours.count == 24)
            #expect(imported.hours[12].curtailment.wind == FuelCurtailment(state: .active, curtailedMW: 12.5))
            #expect(imported.hours[13].curtailment.wind == FuelCurtailment(state: .unknown))
            #expect(imported.hours[0].curtailment == Curtailment(solar: nil, wind: .notCurtailed))
            #expect(imported.warnings.count == 1 && imported.warnings[0].hasPrefix("1 blank hour cell(s) among filled ones read as unknown: line 2 "), "\(imported.warnings)")
        }
    }

    @Test func mainlandEventsWithRewordedHeaderAndMarks() throws {
        let header = "일자 , 제어 지역 ,누적회차," + (1...24).map { "\($0)시간" }.joined(separator: ",") + ",비고(태양광)"
        let cells = (1...24).map { (12...14).contains($0) ? " 출력 제어 " : "0" }
        let text = [
            header,
            (["2025.04.06", "\"전남,전북  광주 \"", "7"] + cells + [""]).joined(separator: ","),
            (["20250407", "경남", "8"] + cells + [""]).joined(separator: ","),
        ].joined(separator: "\n")
        let imported = try Self.parse(text, region: "KR-29")
        #expect(imported.layout.kind == .curtailmentEvents && imported.layout.quantity == .solar)
        #expect(imported.hours.count == 48)
        #expect(imported.hours.filter { $0.curtailment.solar?.state == .active }.map { Timestamp.format($0.startUTC) } == ["2025-04-06 11:00", "2025-04-06 12:00", "2025-04-06 13:00"])
        #expect(imported.hours[24 + 12].curtailment.solar == .notCurtailed, "a row for other provinces is none for Gwangju")
    }

    static func hourColumns(_ suffix: String) -> String { (1...24).map { "\($0)\(suffix)" }.joined(separator: ",") }

    static let publishedHeaders: [(String, KPXLayout.Kind)] = [
        ("거래일자,거래시간,지역,태양광 발전량(MWh),풍력 발전량(MWh)", .regionalWide),
        ("거래일자,거래시간,지역,연료원,발전량(MWh)", .regionalLong),
        ("날짜," + hourColumns("시"), .dailyHours),
        ("구분,기준일,연도별 시행회차," + hourColumns("시") + ",총제어량", .curtailmentHours),
        ("일자,횟수," + hourColumns("시간") + ",총제어량", .curtailmentHours),
        ("일자,횟수", .curtailmentDays),
        ("일자,제어지역,누적 시행회차," + hourColumns("시"), .curtailmentEvents),
    ]

    @Test(arguments: publishedHeaders)
    func publishedHeadersAreRecognised(header: String, kind: KPXLayout.Kind) throws {
        #expect(try KPXFile.layout(of: header + "\n", file: "x.csv").kind == kind)
    }

    @Test func anUnknownLayoutNamesTheFileAndHeader() {
        for (header, reason) in [
            ("날짜,값", "no hour columns"),
            ("날짜," + (1...23).map { "\($0)시" }.joined(separator: ","), "missing 24시"),
            ("1시,2시," + (3...24).map { "\($0)시" }.joined(separator: ","), "no date column"),
            ("날짜,태양광 및 풍력," + (1...24).map { "\($0)시" }.joined(separator: ","), "several quantities"),
        ] {
            #expect {
                _ = try KPXFile.parse(header + "\n2024-01-01\n", file: "new-release.csv", region: "KR-49")
            } throws: { error in
                let error = error as? FeedFileError
                return error?.file == "new-release.csv" && error?.line == 1 && error?.problem.contains("unknown KPX layout: header '\(header)'") == true
                    && error?.problem.contains(reason) == true
            }
        }
    }
}

extension String {
    /// Two-digit hour labels ("01", "02", …, "24").
    init(format2 value: Int) { self = value < 10 ? "0\(value)" : "\(value)" }
}
