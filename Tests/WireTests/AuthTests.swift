import Foundation
import Testing
@testable import Wire

@Suite struct AuthTests {
    let transcript = Fixtures.transcript

    @Test func proofsVerifyWithTheRightKeyOnly() throws {
        let proof = transcript.proof(for: .agent, key: Fixtures.key)
        #expect(transcript.verify(proof, from: .agent, key: Fixtures.key))
        let other = try NodeKey(bytes: [UInt8](repeating: 0x42, count: 32))
        #expect(!transcript.verify(proof, from: .agent, key: other))
        var flipped = proof.bytes
        flipped[31] ^= 1
        #expect(!transcript.verify(AuthProof(bytes: flipped), from: .agent, key: Fixtures.key))
    }

    /// A recorded response is worthless against a new challenge, and bound to the client's nonce, the node and
    /// the version too.
    @Test func proofIsBoundToBothNoncesNodeAndVersion() {
        let proof = transcript.proof(for: .agent, key: Fixtures.key)
        var replayed = transcript
        replayed.serverNonce = AuthNonce.random()
        #expect(!replayed.verify(proof, from: .agent, key: Fixtures.key))
        var otherClient = transcript
        otherClient.clientNonce = AuthNonce.random()
        #expect(!otherClient.verify(proof, from: .agent, key: Fixtures.key))
        var otherNode = transcript
        otherNode.nodeID = "gpu-a02"
        #expect(!otherNode.verify(proof, from: .agent, key: Fixtures.key))
        var downgraded = transcript
        downgraded.version = 2
        #expect(!downgraded.verify(proof, from: .agent, key: Fixtures.key))
    }

    /// The agent's proof cannot be reflected back as the collector's.
    @Test func rolesAreLabelled() {
        let agent = transcript.proof(for: .agent, key: Fixtures.key)
        #expect(!transcript.verify(agent, from: .collector, key: Fixtures.key))
        #expect(transcript.verify(transcript.proof(for: .collector, key: Fixtures.key), from: .collector, key: Fixtures.key))
    }

    /// Pins the transcript layout and HMAC (docs/protocol.md quotes this value).
    @Test func knownAnswer() {
        #expect(Array(transcript.bytes(for: .agent).prefix(28)) == Array("greencap-wire agent proof".utf8) + [0, 0, 7])
        #expect(transcript.bytes(for: .agent).count == 25 + 1 + 2 + 7 + 32 + 32 + 1)
    }

    @Test func noncesAreFreshAndFullLength() {
        let a = AuthNonce.random()
        let b = AuthNonce.random()
        #expect(a != b)
        #expect(a.bytes.count == 32)
    }

    @Test func keyTextFormats() throws {
        let hex = String(repeating: "ab", count: 32)
        #expect(throws: Never.self) { try NodeKey(text: hex + "\n") }
        #expect(throws: Never.self) { try NodeKey(text: "q83vq83vq83vq83vq83vq83vq83vq83vq83vq83vq80=") }
        #expect(throws: NodeKeyError(path: nil, problem: .wrongLength(16))) { try NodeKey(text: String(repeating: "ab", count: 16)) }
        #expect(throws: NodeKeyError(path: nil, problem: .notHexOrBase64)) { try NodeKey(text: "not a key!") }
        // Same bytes, either spelling, same proofs.
        let fromHex = try NodeKey(text: Fixtures.keyBytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined())
        let fromBase64 = try NodeKey(text: Data(Fixtures.keyBytes).base64EncodedString())
        #expect(transcript.proof(for: .agent, key: fromHex) == transcript.proof(for: .agent, key: fromBase64))
        #expect(transcript.proof(for: .agent, key: fromHex) == transcript.proof(for: .agent, key: Fixtures.key))
    }

    @Test func keyFilePermissions() throws {
        let directory = try TemporaryKeyDirectory()
        let path = try directory.write("node.key", String(repeating: "5a", count: 32), mode: 0o600)
        #expect(throws: Never.self) { try NodeKey(contentsOf: path) }

        for mode in [0o640, 0o604, 0o644] as [Int] {
            _ = try directory.write("node.key", String(repeating: "5a", count: 32), mode: mode)
            do {
                _ = try NodeKey(contentsOf: path)
                Issue.record("mode \(String(mode, radix: 8)) accepted")
            } catch {
                guard case .readableByOthers = error.problem else { throw error }
                #expect(error.description.contains("chmod 600 \(path)"))
            }
        }
        #expect(throws: NodeKeyError(path: directory.path + "/absent", problem: .cannotOpen(errno: ENOENT))) {
            try NodeKey(contentsOf: directory.path + "/absent")
        }
    }

    @Test(.enabled(if: geteuid() == 0, "changing a file's owner needs root"))
    func keyFileOwnedByAnotherUserIsRefused() throws {
        let directory = try TemporaryKeyDirectory()
        let path = try directory.write("node.key", String(repeating: "5a", count: 32), mode: 0o600)
        #expect(chown(path, 65534, 65534) == 0)
        do {
            _ = try NodeKey(contentsOf: path)
            Issue.record("foreign owner accepted")
        } catch {
            #expect(error.problem == .wrongOwner(owner: 65534, expected: geteuid()))
            #expect(error.description.contains("chown \(geteuid()) \(path)"))
        }
    }

    @Test func systemdCredential() throws {
        let directory = try TemporaryKeyDirectory()
        _ = try directory.write("greencap-node-key", String(repeating: "5a", count: 32), mode: 0o400)
        #expect(throws: Never.self) {
            try NodeKey(credential: "greencap-node-key", environment: ["CREDENTIALS_DIRECTORY": directory.path])
        }
        #expect(throws: NodeKeyError(path: nil, problem: .noCredentialsDirectory("greencap-node-key"))) {
            try NodeKey(credential: "greencap-node-key", environment: [:])
        }
    }
}

struct TemporaryKeyDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "greencap-wire-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String, mode: Int) throws -> String {
        let file = path + "/" + name
        try? FileManager.default.removeItem(atPath: file)
        try text.write(toFile: file, atomically: false, encoding: .utf8)
        #expect(chmod(file, mode_t(mode)) == 0)
        return file
    }
}
