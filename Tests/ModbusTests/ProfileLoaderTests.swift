import GreencapConfig
import Modbus
import Testing

/// A small valid profile; tests break one thing at a time and check the error names the line and key.
let minimalProfile = """
    schema = "greencap-modbus-profile/1"
    id = "test-ups"
    vendor = "Test"
    class = "ups"

    [connection]
    response_timeout = "300ms"
    inter_request_delay = "35ms"

    [[block]]
    id = "dynamic"
    start = 128
    count = 16

    [[block]]
    id = "rating"
    start = 589
    count = 1
    period = "once"

    [[point]]
    id = "runtime"
    metric = "ups.runtime_s"
    address = 128
    type = "u32"
    unit = "s"

    [[point]]
    id = "charge"
    metric = "ups.charge_pct"
    address = 130
    type = "u16"
    binary_point = 9
    unit = "%"

    [[point]]
    id = "load_pct"
    metric = "ups.load_pct"
    address = 136
    type = "u16"
    binary_point = 8
    unit = "%"

    [[point]]
    id = "load_w"
    metric = "ups.load_w"
    address = 136
    type = "u16"
    binary_point = 8
    percent_of = "rating"
    unit = "W"

    [[point]]
    id = "input_voltage"
    metric = "ups.input_voltage_v"
    address = 140
    type = "u16"
    binary_point = 6
    invalid = [0xFFFF]
    unit = "V"

    [[point]]
    id = "rating"
    metric = "ups.rating_w"
    address = 589
    type = "u16"
    unit = "W"

    [[fixture]]
    source = "constructed"
    reads = [
      { start = 128, words = [0, 3600, 51200, 0, 0, 0, 0, 0, 12032, 0, 0, 0, 65535, 0, 0, 0] },
      { start = 589, words = [1350] },
    ]
    expect = { runtime = 3600, charge = 100.0, load_pct = 47.0, input_voltage = "invalid", rating = 1350 }
    """

@Suite("Profile loading: every mistake located by file, line and key")
struct ProfileLoaderTests {
    func issues(_ text: String) -> [ConfigIssue] {
        do {
            _ = try ProfileLoader.parse(text, file: "test-ups.toml")
            return []
        } catch {
            return error.issues
        }
    }

    func line(of needle: String, in text: String) -> Int? {
        text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(needle) }.map { $0 + 1 }
    }

    @Test("the minimal profile loads, with its connection and fixture")
    func loads() throws {
        let profile = try ProfileLoader.parse(minimalProfile, file: "test-ups.toml")
        #expect(profile.points.count == 6)
        #expect(profile.connection.responseTimeout == .milliseconds(300))
        #expect(profile.connection.interRequestDelay == .milliseconds(35))
        #expect(profile.fixtures.count == 1)
    }

    @Test("percent-of-rating gives watts; the 0xFFFF sentinel gives invalid, not 1023.98 V")
    func derived() throws {
        let profile = try ProfileLoader.parse(minimalProfile, file: "test-ups.toml")
        let decoder = ProfileDecoder(profile: profile)
        let readings = decoder.readings(decoder.decode(profile.fixtures[0].image()), device: "ups", timestamp: 0)
        let load = readings.first { $0.metric.name == "ups.load_w" }
        #expect(load?.number == 634.5)
        let input = readings.first { $0.metric.name == "ups.input_voltage_v" }
        #expect(input?.quality == .invalid)
        #expect(input?.reason?.contains("0xFFFF") == true)
    }

    @Test("mistakes are reported with their line and key", arguments: [
        ("unit = \"%\"\n\n[[point]]\nid = \"load_pct\"", "unit = \"kW\"\n\n[[point]]\nid = \"load_pct\"", "unit = \"kW\"", "point[2].unit", "convertible to %"),
        ("address = 140", "address = 150", "address = 150", "point[5].address", "lies outside every [[block]]"),
        ("address = 130", "address = 129", "address = 129", "point[2].address", "partly overlaps"),
        ("metric = \"ups.runtime_s\"", "metric = \"ups.runtime\"", "metric = \"ups.runtime\"", "point[1].metric", "unknown metric"),
        ("percent_of = \"rating\"", "percent_of = \"ratings\"", "percent_of = \"ratings\"", "point[4].percent_of", "no point has id"),
        ("binary_point = 9", "binary_point = 9\ndivisor = 2", "divisor = 2", "point[2].divisor", "one scaling form"),
        ("type = \"u32\"", "type = \"u32\"\ncolour = \"red\"", "colour = \"red\"", "point[1].colour", "unknown key"),
        ("load_pct = 47.0", "load_pct = 48.0", "load_pct = 48.0", "fixture[1].expect.load_pct", "decodes to 47.0"),
        ("start = 589\ncount = 1", "start = 589\ncount = 1\n\n[[block]]\nid = \"dup\"\nstart = 140\ncount = 2", "id = \"dup\"", "block dup", "overlaps block dynamic"),
    ])
    func located(original: String, replacement: String, lineNeedle: String, key: String, problem: String) throws {
        #expect(minimalProfile.contains(original), "test setup: \(original)")
        let broken = minimalProfile.replacing(original, with: replacement)
        let found = issues(broken)
        let expectedLine = line(of: lineNeedle, in: broken)
        let match = found.first { $0.key == key }
        #expect(match != nil, "expected an issue at \(key), got \(found)")
        #expect(match?.problem.contains(problem) == true, "\(String(describing: match))")
        if key.hasPrefix("block ") == false {
            #expect(match?.line == expectedLine, "line of \(lineNeedle)")
        }
        #expect(match?.file == "test-ups.toml")
    }

    @Test("a wrong schema, a missing class and an id that is not the file name are all reported at once")
    func several() {
        let broken = minimalProfile
            .replacing("greencap-modbus-profile/1", with: "greencap-modbus-profile/9")
            .replacing("class = \"ups\"\n", with: "")
            .replacing("id = \"test-ups\"", with: "id = \"other\"")
        let found = issues(broken)
        #expect(found.contains { $0.key == "schema" })
        #expect(found.contains { $0.key == "class" })
        #expect(found.contains { $0.key == "id" && $0.problem.contains("file name") })
    }
}
