import GreencapConfig
import GreencapCore
import TOML

/// One simulated unit: a profile's register image (from a fixture, then scenario values) and a fault mode.
public struct SimulatedDevice: Sendable {
    public var profile: DeviceProfile
    public var unitID: UInt8
    public var image: RegisterImage
    public var fault: SimulatorFault
    /// Where the SunSpec model's ID register sits in this image (0 for other profiles).
    public var base: Int

    public init(profile: DeviceProfile, unitID: UInt8, fixture: Int = 0) throws(SimulatorError) {
        guard profile.fixtures.indices.contains(fixture) else {
            throw .noFixture(profile: profile.id, index: fixture, count: profile.fixtures.count)
        }
        self.profile = profile
        self.unitID = unitID
        self.image = profile.fixtures[fixture].image()
        self.base = profile.fixtures[fixture].sunspecModelAddress ?? 0
        self.fault = .none
    }

    /// Applies `values` (point id or `id[k]` → value in the point's published unit).
    public mutating func apply(_ values: [(key: String, value: PointValue)]) throws(SimulatorError) {
        let decoder = ProfileDecoder(profile: profile)
        for (key, value) in values {
            do {
                try decoder.encode(value, for: key, into: &image, base: base)
            } catch {
                throw .badValue(key: key, reason: error.description)
            }
        }
    }
}

public enum SimulatorError: Error, Sendable, CustomStringConvertible {
    case noFixture(profile: String, index: Int, count: Int)
    case badValue(key: String, reason: String)
    case scenario(ConfigError)
    case listen(String)

    public var description: String {
        switch self {
        case .noFixture(let profile, let index, let count):
            "profile \(profile) has \(count) fixture(s); fixture \(index) does not exist (use --fixture 0…\(max(0, count - 1)))"
        case .badValue(let key, let reason): "value for \(key): \(reason)"
        case .scenario(let error): "\(error)"
        case .listen(let reason): "cannot serve: \(reason)"
        }
    }
}

/// A scenario file for the simulator, re-read whenever it changes:
///
/// ```toml
/// fault = "none"            # or timeout, exception:2, crc, wrong-unit, garbage, disconnect, delay:300ms
/// [values]
/// "outlet_power[1]" = 812.5
/// on_battery = true
/// ```
public struct SimulatorScenario: Sendable {
    public var fault: SimulatorFault
    public var values: [(key: String, value: PointValue)]

    public static func load(path: String) throws(SimulatorError) -> SimulatorScenario {
        let text: String
        do {
            text = try TextFile.read(path: path, limit: 1 << 20)
        } catch {
            throw .scenario(.unreadable(file: path, reason: error.reason))
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws(SimulatorError) -> SimulatorScenario {
        let table: TOMLTable
        do {
            table = try TOMLParser.parse(text)
        } catch {
            throw .scenario(.syntax(file: file, line: error.line, column: error.column, message: error.message))
        }
        let diagnostics = Diagnostics(file: file)
        let root = TableReader(table: table, path: "", line: nil, diagnostics: diagnostics)
        var fault = SimulatorFault.none
        if let text = root.string("fault") {
            if let parsed = SimulatorFault(text) { fault = parsed } else { root.invalid("fault", "expected one of \(SimulatorFault.choices), found \"\(text)\"") }
        }
        var values: [(key: String, value: PointValue)] = []
        if let entry = root.entry("values") {
            if case .table(let entries) = entry.value.kind {
                for item in entries.entries {
                    switch item.value.kind {
                    case .integer(let number): values.append((item.key, .number(Double(number))))
                    case .float(let number): values.append((item.key, .number(number)))
                    case .boolean(let flag): values.append((item.key, .flag(flag)))
                    case .string(let text): values.append((item.key, text == "invalid" ? .invalid(reason: "scenario") : .text(text)))
                    default:
                        diagnostics.report(line: item.value.line, key: "values.\(item.key)", "expected a number, boolean or string")
                    }
                }
            } else {
                root.wrongType(entry, expected: "a table of point id = value")
            }
        }
        root.finish()
        guard diagnostics.issues.isEmpty else { throw .scenario(.invalid(diagnostics.issues)) }
        return SimulatorScenario(fault: fault, values: values)
    }
}
