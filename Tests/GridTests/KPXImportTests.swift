import Foundation
import GreencapCore
import GreencapTestSupport
import Grid
import Testing

@Suite struct KPXImportTests {
    static let rawFiles = [
        "kpx_regional_solar_wind_hourly_2023-03_2023-05.cp949.csv",
        "kpx_regional_solar_wind_hourly_2023-06_2023-08.cp949.csv",
        "kpx_regional_solar_wind_hourly_2023-12.cp949.csv",
    ]

    static func importRaw(_ name: String, region: String = "KR-46") throws -> KPXRegionalFile.Import {
        let path = Paths.repository + "/Data/grid/raw/kpx_regional/" + name
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        return try KPXRegionalFile.parse(try KPXText.decode(bytes, file: path), file: path, region: region)
    }

    static func reference() throws -> [Int64: FeedRecord] {
        let text = try String(contentsOfFile: Paths.jeonnamCSV, encoding: .utf8)
        let records = try NormalizedHourlyCSV.parse(text, file: Paths.jeonnamCSV, region: "KR-46")
        return Dictionary(uniqueKeysWithValues: records.map { ($0.startUTC, $0) })
    }

    @Test("each published regional release reproduces the normalized Jeonnam hours exactly", arguments: rawFiles)
    func reproducesNormalized(file: String) throws {
        let imported = try Self.importRaw(file)
        let reference = try Self.reference()
        #expect(imported.layout == (file.contains("2023-12") ? "long" : "wide"))
        #expect(imported.records.count == (file.contains("2023-12") ? 744 : 2208))
        #expect(imported.warnings.isEmpty, "\(imported.warnings)")
        for record in imported.records {
            let expected = try #require(reference[record.startUTC], "hour \(Timestamp.format(record.startUTC)) not in the reference")
            #expect(abs(record.solarMW - expected.solarMW) < 1e-9, "solar at \(Timestamp.format(record.startUTC))")
            #expect(record.windMW == expected.windMW || abs((record.windMW ?? -1) - (expected.windMW ?? -2)) < 1e-9)
        }
    }

    @Test func hourEndingLabelsAreKST() throws {
        // Trade hour 1 of 2023-03-01 is 00:00-01:00 KST = 15:00 UTC on 28 February.
        let first = try #require(try Self.importRaw(Self.rawFiles[0]).records.first)
        #expect(first.startUTC == Timestamp.parseRFC3339("2023-02-28T15:00:00Z"))
    }

    @Test func jejuRowsComeOutForKR49() throws {
        let imported = try Self.importRaw(Self.rawFiles[0], region: "KR-49")
        #expect(imported.records.count == 2208)
    }

    func parse(_ text: String, region: String = "KR-46") throws(FeedFileError) -> KPXRegionalFile.Import {
        try KPXRegionalFile.parse(text, file: "x.csv", region: region)
    }

    @Test func rewordedHeadersUnitsAndSeparatorsStillImport() throws {
        let imported = try parse(
            """
            \u{FEFF} 거래 일자 ,시간,지역명, 태양광 발전량 (kWh) ,풍력(KWH)
            2024/04/01,1, 전남 ,"1,500",250
            20240401,2,전라남도,,0
            """)
        #expect(imported.layout == "wide")
        #expect(imported.records.count == 1, "the hour without solar is left out, not zero-filled")
        #expect(imported.records[0].solarMW == 1.5 && imported.records[0].windMW == 0.25)
        #expect(imported.warnings.contains { $0.contains("wind but no solar") })
    }

    @Test func longLayoutWithOtherFuelsAndNewWording() throws {
        let imported = try parse(
            """
            trade_date,trade hour,region,발전원,발전량 (MWh)
            2024-04-01,13,전라남도,태양광,1200.5
            2024-04-01,13,전라남도,풍력,80
            2024-04-01,13,전라남도,연료전지,3
            """)
        #expect(imported.layout == "long")
        #expect(imported.records == [FeedRecord(region: "KR-46", startUTC: Timestamp.parseRFC3339("2024-04-01T03:00:00Z") ?? 0, solarMW: 1200.5, windMW: 80, source: "x.csv")])
    }

    @Test func badInputNamesFileLineAndField() throws {
        #expect(throws: FeedFileError.self) { try parse("날짜,값\n2024-01-01,3\n") }
        do {
            _ = try parse("거래일자,거래시간,지역,태양광(MWh),풍력(MWh)\n2024-01-01,25,전라남도,1,2\n")
            Issue.record("hour 25 accepted")
        } catch {
            #expect(error.line == 2 && error.field == "거래시간")
        }
        do {
            _ = try parse("거래일자,거래시간,지역,태양광(MWh),풍력(MWh)\n2024-01-01,1,전라남도,1,2\n2024-01-01,1,전라남도,1,2\n")
            Issue.record("duplicate accepted")
        } catch {
            #expect(error.line == 3 && error.problem.contains("duplicate hour") && error.problem.contains("line 2"))
        }
        do {
            _ = try parse("거래일자,거래시간,지역,태양광(MWh),풍력(MWh)\n2024-01-01,1,전라남도,1\n")
            Issue.record("truncated row accepted")
        } catch {
            #expect(error.line == 2 && error.problem.contains("truncated"))
        }
        do {
            _ = try parse("거래일자,거래시간,지역,태양광(MWh),풍력(MWh)\n2024-01-01,1,전라남도,abc,2\n")
            Issue.record("text accepted as a number")
        } catch {
            #expect(error.line == 2 && error.field == "태양광(MWh)")
        }
        let gap = try parse("거래일자,거래시간,지역,태양광(MWh),풍력(MWh)\n2024-01-01,1,전라남도,1,2\n2024-01-01,3,전라남도,-0.5,2\n")
        #expect(gap.warnings.contains { $0.contains("1 hour(s) missing") })
        #expect(gap.warnings.contains { $0.contains("negative") })
    }

    @Test func bytesThatAreNeitherUTF8NorCP949AreRefusedWithTheLine() {
        let bytes: [UInt8] = Array("거래일자,거래시간\n".utf8) + [0x32, 0x30, 0x0A, 0xFF, 0xFE, 0x0A]
        #expect {
            _ = try KPXText.decode(bytes, file: "bad.csv")
        } throws: { error in
            (error as? FeedFileError)?.line == 3
        }
    }
}
