import Foundation
import TOML

/// `~/.config/greencap/config.toml` (or `$XDG_CONFIG_HOME/greencap/config.toml`): the operator's defaults.
///
/// ```toml
/// collector = "http://collector.example:8080"
/// token_file = "~/.config/greencap/token"
/// ```
/// The token itself is kept in its own file so the config can be shared or checked in without the secret.
struct ClientConfigFile: Sendable {
    var path: String
    var collector: String?
    var tokenFile: String?

    static let keys = ["collector", "token_file"]

    /// nil when there is no file at `path` (it is optional); an error naming the line for a broken one.
    static func load(path: String?) throws(CollectorClientError) -> ClientConfigFile? {
        guard let path, FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw .usage("cannot read \(path): unreadable or not UTF-8")
        }
        let table: TOMLTable
        do {
            table = try TOMLParser.parse(text)
        } catch {
            throw .usage("\(path): \(error)")
        }
        var file = ClientConfigFile(path: path)
        for entry in table.entries {
            guard keys.contains(entry.key) else {
                throw .usage("\(path) line \(entry.keyLine): unknown key '\(entry.key)' (known: \(keys.joined(separator: ", ")))")
            }
            guard case .string(let value) = entry.value.kind, !value.isEmpty else {
                throw .usage("\(path) line \(entry.keyLine): '\(entry.key)' must be a non-empty string, found \(entry.value.typeName)")
            }
            if entry.key == "collector" { file.collector = value } else { file.tokenFile = value }
        }
        return file
    }
}
