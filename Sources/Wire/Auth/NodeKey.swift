import Crypto

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A node's shared secret with the collector: 32 to 1024 random bytes, stored as one line of hex (64+
/// digits) or base64 in a file only its owner can read (docs/protocol.md, "Node keys").
public struct NodeKey: Sendable {
    public static let minimumBytes = 32
    public static let maximumBytes = 1024

    /// Bytes, not a `SymmetricKey`: swift-crypto's key type is not `Sendable`, and a node key is shared by the
    /// connection tasks.
    private let bytes: [UInt8]

    var symmetricKey: SymmetricKey { SymmetricKey(data: bytes) }

    public init(bytes: [UInt8]) throws(NodeKeyError) {
        guard bytes.count >= Self.minimumBytes, bytes.count <= Self.maximumBytes else {
            throw NodeKeyError(path: nil, problem: .wrongLength(bytes.count))
        }
        self.bytes = bytes
    }

    /// Parses the file's text: hex wins when the text is all hex digits, otherwise base64.
    public init(text: String) throws(NodeKeyError) {
        let trimmed = String(text.unicodeScalars.filter { !$0.properties.isWhitespace })
        guard let bytes = KeyText.hex(trimmed) ?? KeyText.base64(trimmed) else {
            throw NodeKeyError(path: nil, problem: .notHexOrBase64)
        }
        try self.init(bytes: bytes)
    }

    /// Reads a key file, refusing one that others could read or that belongs to another user: a key anyone
    /// on the node can read lets them speak for the node.
    public init(contentsOf path: String) throws(NodeKeyError) {
        let text = try KeyFile.contents(of: path)
        do {
            try self.init(text: text)
        } catch {
            throw NodeKeyError(path: path, problem: error.problem)
        }
    }

    /// `$CREDENTIALS_DIRECTORY/<name>`: where systemd puts a file named by `LoadCredential=<name>:<path>`.
    public init(credential name: String, environment: [String: String]) throws(NodeKeyError) {
        guard let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty else {
            throw NodeKeyError(path: nil, problem: .noCredentialsDirectory(name))
        }
        try self.init(contentsOf: directory + "/" + name)
    }
}

public struct NodeKeyError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Problem: Hashable, Sendable {
        case cannotOpen(errno: Int32)
        case notARegularFile
        case readableByOthers(mode: UInt32)
        case wrongOwner(owner: UInt32, expected: UInt32)
        case tooLarge(Int)
        case notHexOrBase64
        case wrongLength(Int)
        case noCredentialsDirectory(String)
    }

    public var path: String?
    public var problem: Problem

    public var description: String {
        let file = path ?? "node key"
        switch problem {
        case .cannotOpen(let code): return "\(file): cannot open (\(String(cString: strerror(code))))"
        case .notARegularFile: return "\(file): not a regular file"
        case .readableByOthers(let mode):
            return "\(file): mode \(String(mode & 0o777, radix: 8)) lets group or others read the key; run: chmod 600 \(file)"
        case .wrongOwner(let owner, let expected):
            return "\(file): owned by uid \(owner), but the agent runs as uid \(expected); run: chown \(expected) \(file)"
        case .tooLarge(let size): return "\(file): \(size) bytes is too large for a key file"
        case .notHexOrBase64:
            return "\(file): not hex or base64; make one with: openssl rand -hex 32 > \(file) && chmod 600 \(file)"
        case .wrongLength(let count):
            return "\(file): key has \(count) bytes; it needs \(NodeKey.minimumBytes) to \(NodeKey.maximumBytes)"
        case .noCredentialsDirectory(let name):
            return "CREDENTIALS_DIRECTORY is not set: the unit needs LoadCredential=\(name):<path to the key>"
        }
    }
}

/// Reads a secret (a node key, the collector's TLS private key) refusing files that others could read or
/// that belong to another user.
public enum KeyFile {
    public static func contents(of path: String, limit: Int = 4096) throws(NodeKeyError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw NodeKeyError(path: path, problem: .cannotOpen(errno: errno)) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw NodeKeyError(path: path, problem: .cannotOpen(errno: errno)) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw NodeKeyError(path: path, problem: .notARegularFile) }
        guard info.st_mode & 0o077 == 0 else {
            throw NodeKeyError(path: path, problem: .readableByOthers(mode: UInt32(info.st_mode)))
        }
        guard info.st_uid == geteuid() else {
            throw NodeKeyError(path: path, problem: .wrongOwner(owner: UInt32(info.st_uid), expected: UInt32(geteuid())))
        }
        let size = Int(info.st_size)
        guard size <= limit else { throw NodeKeyError(path: path, problem: .tooLarge(size)) }
        var bytes = [UInt8](repeating: 0, count: limit)
        var filled = 0
        while filled < bytes.count {
            let got = bytes.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress.map { $0 + filled }, buffer.count - filled)
            }
            if got < 0, errno == EINTR { continue }
            guard got >= 0 else { throw NodeKeyError(path: path, problem: .cannotOpen(errno: errno)) }
            if got == 0 { break }
            filled += got
        }
        return String(decoding: bytes.prefix(filled), as: UTF8.self)
    }
}

enum KeyText {
    static func hex(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard !digits.isEmpty, digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func value(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Standard alphabet, padding optional.
    static func base64(_ text: String) -> [UInt8]? {
        var bits: UInt32 = 0
        var bitCount = 0
        var bytes: [UInt8] = []
        var padding = false
        for character in text.utf8 {
            if character == UInt8(ascii: "=") {
                padding = true
                continue
            }
            guard !padding else { return nil }
            let sextet: UInt8
            switch character {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): sextet = character - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): sextet = character - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): sextet = character - UInt8(ascii: "0") + 52
            case UInt8(ascii: "+"): sextet = 62
            case UInt8(ascii: "/"): sextet = 63
            default: return nil
            }
            bits = bits << 6 | UInt32(sextet)
            bitCount += 6
            if bitCount >= 8 {
                bitCount -= 8
                bytes.append(UInt8(truncatingIfNeeded: bits >> UInt32(bitCount)))
                bits &= (1 << UInt32(bitCount)) - 1
            }
        }
        return bytes.isEmpty ? nil : bytes
    }
}
