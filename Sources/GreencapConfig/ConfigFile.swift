#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TOML

/// Reads and parses a configuration file, turning every failure into a `ConfigError` that names the file.
enum ConfigFile {
    static let maximumSize = 1 << 20

    static func parse(path: String) throws(ConfigError) -> TOMLTable {
        let text = try readText(path: path)
        do {
            return try TOMLParser.parse(text)
        } catch {
            throw .syntax(file: path, line: error.line, column: error.column, message: error.message)
        }
    }

    static func readText(path: String) throws(ConfigError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(file: path, reason: errnoDescription()) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(file: path, reason: errnoDescription())
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
            guard bytes.count <= maximumSize else {
                throw .unreadable(file: path, reason: "larger than \(maximumSize) bytes; is this really a config file?")
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .unreadable(file: path, reason: "not valid UTF-8 (TOML files are UTF-8)")
        }
        return text
    }

    private static func errnoDescription() -> String {
        String(cString: strerror(errno))
    }
}

/// Shared entry point: parse, read with the schema, and fail with every issue found.
func loadConfig<Config>(
    path: String, text: String? = nil, read: (TableReader) -> Config?
) throws(ConfigError) -> Config {
    let table: TOMLTable
    if let text {
        do {
            table = try TOMLParser.parse(text)
        } catch {
            throw .syntax(file: path, line: error.line, column: error.column, message: error.message)
        }
    } else {
        table = try ConfigFile.parse(path: path)
    }
    let diagnostics = Diagnostics(file: path)
    let root = TableReader(table: table, path: "", line: nil, diagnostics: diagnostics)
    let config = read(root)
    root.finish()
    guard diagnostics.issues.isEmpty, let config else {
        throw .invalid(diagnostics.issues.sorted { ($0.line ?? 0) < ($1.line ?? 0) })
    }
    return config
}
