import Foundation

/// Where one client setting came from, so `--verbose` and every error can say which flag, variable or file
/// to change when the collector address or token is not the one meant.
public enum SettingSource: Sendable, Equatable, CustomStringConvertible {
    case flag(String)
    case environment(String)
    case configFile(path: String, key: String)
    case builtIn

    public var description: String {
        switch self {
        case .flag(let name): "flag \(name)"
        case .environment(let name): "environment \(name)"
        case .configFile(let path, let key): "\(path) (\(key))"
        case .builtIn: "built-in default"
        }
    }
}

/// The collector address and API token a client command uses, each with its source.
public struct ClientSettings: Sendable, Equatable {
    /// The collector's HTTP base, without a trailing slash: "http://127.0.0.1:8080".
    public var collector: String
    public var collectorSource: SettingSource
    /// nil: no token anywhere; the collector then answers reads only when it has no tokens file.
    public var token: String?
    public var tokenSource: SettingSource?

    /// The collector's own default [http] listen address: what a CLI on the collector host reaches unconfigured.
    public static let defaultCollector = "http://127.0.0.1:8080"
    public static let collectorVariable = "GREENCAP_COLLECTOR"
    public static let tokenVariable = "GREENCAP_TOKEN"

    /// One line per setting, for `--verbose` and error messages.
    public var provenance: String {
        let token = tokenSource.map { "token from \($0)" } ?? "no token (set --token, --token-file, \(Self.tokenVariable) or token_file)"
        return "collector \(collector) from \(collectorSource); \(token)"
    }
}

/// Flags > environment > config file > built-in default, each setting on its own (a token from the
/// environment and an address from the file combine).
public struct ClientSettingsResolver: Sendable {
    public var environment: [String: String]
    /// The directory holding `greencap/config.toml`: `$XDG_CONFIG_HOME`, else `~/.config`.
    public var configDirectory: String?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            configDirectory = xdg
        } else if let home = environment["HOME"], !home.isEmpty {
            configDirectory = home + "/.config"
        } else {
            configDirectory = nil
        }
    }

    public var configPath: String? { configDirectory.map { $0 + "/greencap/config.toml" } }

    public func resolve(collector flagCollector: String?, token flagToken: String?, tokenFile flagTokenFile: String?)
        throws(CollectorClientError) -> ClientSettings
    {
        if flagToken != nil && flagTokenFile != nil {
            throw .usage("give either --token or --token-file, not both")
        }
        // The file is read only when something is still unset, so a broken file does not stop flags that override it.
        let needFile =
            (flagCollector == nil && nonEmpty(ClientSettings.collectorVariable) == nil)
            || (flagToken == nil && flagTokenFile == nil && nonEmpty(ClientSettings.tokenVariable) == nil)
        let file = needFile ? try ClientConfigFile.load(path: configPath) : nil

        var collector: (String, SettingSource) = (ClientSettings.defaultCollector, .builtIn)
        if let value = flagCollector {
            collector = (value, .flag("--collector"))
        } else if let value = nonEmpty(ClientSettings.collectorVariable) {
            collector = (value, .environment(ClientSettings.collectorVariable))
        } else if let file, let value = file.collector {
            collector = (value, .configFile(path: file.path, key: "collector"))
        }
        let address = try Self.normalise(collector.0, source: collector.1)

        var token: (String, SettingSource)?
        if let value = flagToken {
            token = (value, .flag("--token"))
        } else if let path = flagTokenFile {
            token = (try Self.readToken(path: path, source: .flag("--token-file")), .flag("--token-file \(path)"))
        } else if let value = nonEmpty(ClientSettings.tokenVariable) {
            token = (value, .environment(ClientSettings.tokenVariable))
        } else if let file, let path = file.tokenFile {
            let source = SettingSource.configFile(path: file.path, key: "token_file = \"\(path)\"")
            token = (try Self.readToken(path: path, source: source), source)
        }
        if let value = token?.0 {
            guard !value.isEmpty, value.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
                throw .usage("the token from \(token?.1.description ?? "?") is empty or contains spaces or non-ASCII characters")
            }
        }
        return ClientSettings(collector: address, collectorSource: collector.1, token: token?.0, tokenSource: token?.1)
    }

    private func nonEmpty(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }

    /// "http://host:port" with no trailing slash; a bare "host:port" gets "http://".
    static func normalise(_ text: String, source: SettingSource) throws(CollectorClientError) -> String {
        var value = text.trimmingCharacters(in: .whitespaces)
        if !value.contains("://") { value = "http://" + value }
        while value.hasSuffix("/") { value.removeLast() }
        guard let url = URL(string: value), let scheme = url.scheme, scheme == "http" || scheme == "https", url.host != nil,
            url.query == nil
        else {
            throw .usage("collector address '\(text)' from \(source) is not an http(s) URL such as http://collector.example:8080")
        }
        return value
    }

    /// The token is the file's first line; the file itself is the secret, so say only where it is, never its content.
    static func readToken(path: String, source: SettingSource) throws(CollectorClientError) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        guard let data = FileManager.default.contents(atPath: expanded), let text = String(data: data, encoding: .utf8) else {
            throw .usage("cannot read the token file \(expanded) (from \(source)): it is missing, unreadable or not UTF-8")
        }
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.trimmingCharacters(in: .whitespaces)
    }
}
