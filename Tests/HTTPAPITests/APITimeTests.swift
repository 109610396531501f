import Collector
import Foundation
import Testing

/// The API's times go out as RFC 3339 with milliseconds and come back (in the CLI) to the same millisecond.
@Suite struct APITimeTests {
    @Test func roundTripsToTheMillisecond() throws {
        for milliseconds: Int64 in [0, 1_700_000_000_250, 1_700_000_000_999, -1_500] {
            let data = try JSONEncoder().encode([APITime(milliseconds: milliseconds)])
            #expect(try JSONDecoder().decode([APITime].self, from: data) == [APITime(milliseconds: milliseconds)], "\(String(decoding: data, as: UTF8.self))")
        }
    }

    @Test func readsOtherPrecisionsAndOffsets() throws {
        func decode(_ text: String) throws -> Int64 {
            try JSONDecoder().decode([APITime].self, from: Data("[\"\(text)\"]".utf8))[0].milliseconds
        }
        #expect(try decode("2023-11-14T22:13:20Z") == 1_700_000_000_000)
        #expect(try decode("2023-11-14T22:13:20.5Z") == 1_700_000_000_500)
        #expect(try decode("2023-11-14T22:13:20.25Z") == 1_700_000_000_250)
        #expect(try decode("2023-11-15T07:13:20.123456+09:00") == 1_700_000_000_123)
    }

    @Test func anythingElseIsADecodingErrorThatShowsTheText() {
        #expect {
            try JSONDecoder().decode([APITime].self, from: Data(#"["yesterday"]"#.utf8))
        } throws: { error in
            "\(error)".contains("expected an RFC 3339 time") && "\(error)".contains("yesterday")
        }
    }
}
