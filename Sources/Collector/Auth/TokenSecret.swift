import Crypto
import Foundation

/// API token secrets: 32 random bytes from the system's CSPRNG, written "gct_" + base64url. Only the
/// SHA-256 of a secret is stored; a high-entropy secret needs no slow hash (nothing to guess), and the
/// comparison is constant-time so timing does not tell how much of a hash matched.
public enum TokenSecret {
    public static let prefix = "gct_"

    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let text = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return prefix + text
    }

    /// Lower-case hex SHA-256 of the secret's UTF-8 bytes: what the tokens file stores.
    public static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Equal length and content, in time that depends only on the length (both are 64 hex digits here).
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8)
        let right = Array(b.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
