import GreencapConfig
import GreencapCore
import TOML

/// Reads a profile file (docs/modbus-profiles.md) and refuses it with every problem located by
/// file, line and key: a wrong register map reads wrong watts, which is worse than no reading.
public enum ProfileLoader {
    public static let schema = "greencap-modbus-profile/1"
    static let maximumSize = 4 << 20

    public static func load(path: String) throws(ConfigError) -> DeviceProfile {
        let text: String
        do {
            text = try TextFile.read(path: path, limit: maximumSize)
        } catch {
            throw .unreadable(file: path, reason: error.reason)
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws(ConfigError) -> DeviceProfile {
        let table: TOMLTable
        do {
            table = try TOMLParser.parse(text)
        } catch {
            throw .syntax(file: file, line: error.line, column: error.column, message: error.message)
        }
        let diagnostics = Diagnostics(file: file)
        let root = TableReader(table: table, path: "", line: nil, diagnostics: diagnostics)
        let profile = read(root, file: file)
        root.finish()
        if let profile, diagnostics.issues.isEmpty {
            ProfileValidation(profile: profile, diagnostics: diagnostics).run()
            if diagnostics.issues.isEmpty { FixtureCheck(profile: profile, diagnostics: diagnostics).run() }
        }
        guard diagnostics.issues.isEmpty, let profile else {
            throw .invalid(diagnostics.issues.sorted { ($0.line ?? 0) < ($1.line ?? 0) })
        }
        return profile
    }

    private static func read(_ root: TableReader, file: String) -> DeviceProfile? {
        if let schema = root.string("schema"), schema != Self.schema {
            root.invalid("schema", "this Greencap reads \"\(Self.schema)\", the file says \"\(schema)\"")
        } else if root.table.entry("schema") == nil {
            root.missing("schema", "\"\(Self.schema)\"")
        }
        let id = root.string("id")
        if id == nil { root.missing("id", "the profile name, same as the file name") }
        let expectedID = baseName(file)
        if let id, file.hasSuffix(".toml"), id != expectedID {
            root.invalid("id", "id \"\(id)\" differs from the file name \"\(expectedID).toml\"; profiles are found by file name")
        }
        let vendor = root.string("vendor") ?? ""
        let models = root.strings("models") ?? []
        let deviceClass = root.choice("class", from: DeviceProfile.DeviceClass.allCases.map(\.rawValue))
            .flatMap(DeviceProfile.DeviceClass.init(rawValue:))
        if root.table.entry("class") == nil { root.missing("class", "\"ups\", \"pdu\" or \"meter\"") }
        let firmware = root.string("firmware") ?? ""
        let sources = root.strings("sources") ?? []
        let notes = root.string("notes") ?? ""
        let connection = readConnection(root.table("connection"))
        let defaults = readDefaults(root.table("defaults"))
        let sunspec = root.table.entry("sunspec") == nil ? nil : readSunSpec(root.table("sunspec"))
        let blocks = root.tables("block").compactMap { readBlock($0, defaults: defaults) }
        let points = root.tables("point").compactMap { PointReader(reader: $0, defaults: defaults).read() }
        let fixtures = root.tables("fixture").compactMap { readFixture($0, defaults: defaults) }
        guard let id, let deviceClass else { return nil }
        return DeviceProfile(
            id: id, file: file, vendor: vendor, models: models, deviceClass: deviceClass, firmware: firmware,
            sources: sources, notes: notes, connection: connection, blocks: blocks, points: points, sunspec: sunspec,
            fixtures: fixtures)
    }

    struct Defaults {
        var registerType: RegisterType = .holding
        var byteOrder: Endianness = .big
        var wordOrder: Endianness = .big
    }

    static func registerType(_ reader: TableReader, _ key: String = "register_type") -> RegisterType? {
        reader.choice(key, from: RegisterType.allCases.map(\.rawValue)).flatMap(RegisterType.init(rawValue:))
    }

    static func endianness(_ reader: TableReader, _ key: String) -> Endianness? {
        reader.choice(key, from: ["big", "little"]).flatMap(Endianness.init(rawValue:))
    }

    private static func readDefaults(_ reader: TableReader) -> Defaults {
        var defaults = Defaults()
        if let type = registerType(reader) { defaults.registerType = type }
        if let order = endianness(reader, "byte_order") { defaults.byteOrder = order }
        if let order = endianness(reader, "word_order") { defaults.wordOrder = order }
        reader.finish()
        return defaults
    }

    static func readConnection(_ reader: TableReader, base: ConnectionDefaults = ConnectionDefaults()) -> ConnectionDefaults {
        var connection = base
        if let unit = reader.integer("unit_id", in: 0...247) { connection.unitID = UInt8(unit) }
        if let port = reader.integer("tcp_port", in: 1...65535) { connection.tcpPort = Int(port) }
        if let baud = reader.integer("baud", in: 300...4_000_000, unit: "baud") { connection.baud = Int(baud) }
        if let parity = reader.choice("parity", from: ["N", "E", "O"]) {
            connection.parity = ConnectionDefaults.Parity(rawValue: parity) ?? .none
        }
        if let bits = reader.integer("data_bits", in: 7...8) { connection.dataBits = Int(bits) }
        if let bits = reader.integer("stop_bits", in: 1...2) { connection.stopBits = Int(bits) }
        if let limit = reader.integer("max_registers_per_read", in: 1...125) { connection.maxRegistersPerRead = Int(limit) }
        if let delay = reader.duration("inter_request_delay", in: .zero ... .seconds(10)) { connection.interRequestDelay = delay }
        if let timeout = reader.duration("response_timeout", in: .milliseconds(10) ... .seconds(30)) {
            connection.responseTimeout = timeout
        }
        if let timeout = reader.duration("byte_timeout", in: .milliseconds(1) ... .seconds(5)) { connection.byteTimeout = timeout }
        if let retries = reader.integer("retries", in: 0...10) { connection.retries = Int(retries) }
        if let function = reader.integer("write_function", in: 6...16) {
            if function == 6 || function == 16 {
                connection.writeFunction = UInt8(function)
            } else {
                reader.invalid("write_function", "expected 6 (write single register) or 16 (write multiple registers), found \(function)")
            }
        }
        reader.finish()
        return connection
    }

    private static func readSunSpec(_ reader: TableReader) -> SunSpec? {
        let base = reader.integer("base", in: 0...65535) ?? 40000
        if ![0, 40000, 50000].contains(base) {
            reader.invalid("base", "SunSpec devices put the 'SunS' marker at 0, 40000 or 50000, found \(base)")
        }
        let models = reader.integers("models") ?? []
        if models.isEmpty { reader.missing("models", "the SunSpec model ids this profile decodes, e.g. [201, 202, 203, 204]") }
        reader.finish()
        return SunSpec(base: Int(base), models: models.map { Int($0) })
    }

    private static func readBlock(_ reader: TableReader, defaults: Defaults) -> Block? {
        let id = reader.string("id")
        let type = registerType(reader) ?? defaults.registerType
        let start = reader.integer("start", in: 0...65535)
        let count = reader.integer("count", in: 1...65536)
        let period = reader.choice("period", from: ["poll", "once"]).flatMap(Block.Period.init(rawValue:)) ?? .poll
        if id == nil { reader.missing("id", "a name for logs") }
        if start == nil { reader.missing("start", "the first 0-based address") }
        if count == nil { reader.missing("count", "the number of registers") }
        reader.finish()
        guard let id, let start, let count else { return nil }
        if start + count > 65536 {
            reader.invalid("count", "block \(id) ends at \(start + count - 1), past the last address 65535")
            return nil
        }
        return Block(id: id, registerType: type, start: Int(start), count: Int(count), period: period, line: reader.line ?? 0)
    }
}

func baseName(_ path: String) -> String {
    var name = path.split(separator: "/").last.map(String.init) ?? path
    if name.hasSuffix(".toml") { name.removeLast(5) }
    return name
}
