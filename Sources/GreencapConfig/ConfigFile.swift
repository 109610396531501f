import GreencapCore
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
        do {
            return try TextFile.read(path: path, limit: maximumSize)
        } catch {
            throw .unreadable(file: path, reason: error.reason)
        }
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
