import GreencapConfig
import GreencapCore
#if canImport(Glibc)
import Glibc
#endif

/// Finds profiles by name in the profile directories, first match wins:
/// the caller's directories (config `[modbus] profile_dirs`, CLI `--profile-dir`), `$GREENCAP_PROFILE_DIRS`
/// (colon-separated), `/etc/greencap/profiles/modbus` (the operator's), `/usr/share/greencap/profiles/modbus`
/// (shipped by the package), and `Profiles/modbus` of the source tree the binary was built in.
public struct ProfileCatalog: Sendable {
    public var directories: [String]

    public init(extraDirectories: [String] = [], environment: String? = Self.environmentValue()) {
        var directories = extraDirectories
        if let environment { directories += environment.split(separator: ":").map(String.init) }
        directories += ["/etc/greencap/profiles/modbus", "/usr/share/greencap/profiles/modbus"]
        if let tree = Self.sourceTreeDirectory() { directories.append(tree) }
        self.directories = directories
    }

    public static func environmentValue() -> String? {
        guard let value = getenv("GREENCAP_PROFILE_DIRS") else { return nil }
        return String(cString: value)
    }

    /// `<repo>/.build/…/greencap` → `<repo>/Profiles/modbus`, for the development tree and the demo.
    static func sourceTreeDirectory() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        let executable = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var parts = executable.split(separator: "/", omittingEmptySubsequences: false)
        // .build/<triple>/<config>/greencap: the tree is a few levels up.
        for _ in 0..<5 {
            guard parts.count > 1 else { return nil }
            parts.removeLast()
            let candidate = parts.joined(separator: "/") + "/Profiles/modbus"
            if access(candidate + "/.", R_OK) == 0 { return candidate }
        }
        return nil
    }

    /// A name (`apc-smart-ups`) is looked up; anything with a `/` or ending in `.toml` is a file path.
    public func path(for name: String) throws(ConfigError) -> String {
        if name.contains("/") || name.hasSuffix(".toml") { return name }
        for directory in directories {
            let candidate = "\(directory)/\(name).toml"
            if access(candidate, R_OK) == 0 { return candidate }
        }
        let known = names().joined(separator: ", ")
        throw .unreadable(
            file: "\(name).toml",
            reason: "no profile named \(name) in \(directories.joined(separator: ", ")); known profiles: \(known.isEmpty ? "none" : known)")
    }

    public func load(_ name: String) throws(ConfigError) -> DeviceProfile {
        try ProfileLoader.load(path: path(for: name))
    }

    /// Every profile name visible, earlier directories shadowing later ones.
    public func names() -> [String] {
        var seen: [String] = []
        for directory in directories {
            guard let handle = opendir(directory) else { continue }
            defer { closedir(handle) }
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                guard name.hasSuffix(".toml"), !name.hasPrefix(".") else { continue }
                let id = String(name.dropLast(5))
                if !seen.contains(id) { seen.append(id) }
            }
        }
        return seen.sorted()
    }
}
