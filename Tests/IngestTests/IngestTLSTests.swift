import Foundation
import GreencapTestSupport
import NIOCore
import Testing
import Wire
import WireClient

/// `[ingest] tls_certificate` against the real collector binary, with a CA and certificates made by openssl.
@Suite(.serialized) struct IngestTLSTests {
    /// An openssl-made CA, a collector certificate for the name localhost signed by it, and a second CA that
    /// signed nothing of ours. No IP entry: swift-nio-ssl accepts a certificate whose IP entry matches the
    /// address connected to whatever name was asked for, so the name checks need a name-only certificate.
    struct Certificates {
        let directory: TemporaryDirectory
        var ca: String { directory.path + "/ca.pem" }
        var otherCA: String { directory.path + "/other-ca.pem" }
        var certificate: String { directory.path + "/collector.pem" }
        var key: String { directory.path + "/collector.key" }

        init() throws {
            directory = try TemporaryDirectory.make()
            let script = """
                set -e
                cd "\(directory.path)"
                openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=greencap test CA" \
                    -keyout ca.key -out ca.pem 2>/dev/null
                openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=someone else" \
                    -keyout other-ca.key -out other-ca.pem 2>/dev/null
                openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=collector" \
                    -keyout collector.key -out collector.csr 2>/dev/null
                printf 'subjectAltName=DNS:localhost\\n' > san.ext
                openssl x509 -req -in collector.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext \
                    -out collector.pem 2>/dev/null
                chmod 600 collector.key
                """
            let result = try Subprocess.run("/bin/sh", ["-c", script])
            guard result.status == 0 else {
                throw TestFailure("openssl could not make the test certificates (scripts/install-deps.sh installs openssl):\n\(result.output)")
            }
        }
    }

    static func collector(_ certificates: Certificates, node: String) throws -> CollectorUnderTest {
        try CollectorUnderTest(
            nodes: [node], extraIngest: "tls_certificate = \"\(certificates.certificate)\"\ntls_key = \"\(certificates.key)\"")
    }

    static func tlsOptions(ca: String, serverName: String? = nil) -> WireClientOptions {
        var options = WireClientOptions()
        options.tls = WireClientTLS(trustRootsFile: ca, serverName: serverName)
        return options
    }

    @Test func samplesTravelOverTLSAndAreStored() async throws {
        let certificates = try Certificates()
        defer { certificates.directory.remove() }
        let collector = try Self.collector(certificates, node: "gpu-t01")
        try await collector.start()
        #expect(collector.text.contains("tls=\(certificates.certificate)"), "\(collector.text)")
        // The same batch twice, once per way of naming the collector (the host connected to, or an address with
        // tls_server_name): stored once.
        let start = IngestTime.nowMs()
        for (host, serverName) in [("localhost", nil), ("127.0.0.1", "localhost")] {
            let session = try await WireSession.connect(
                host: host, port: collector.port, nodeID: "gpu-t01", key: CollectorUnderTest.key(node: "gpu-t01"),
                agentVersion: "test", options: Self.tlsOptions(ca: certificates.ca, serverName: serverName))
            var model = NodeStreamModel(seed: 5, start: start)
            try await session.send(.seriesDictionary(model.series))
            let batch = model.nextBatch()
            var acks = session.inbound.makeAsyncIterator()
            try await session.send(.samples(batch))
            #expect(await IngestSessionTests.waitForAck(&acks, atLeast: batch.sequence) == batch.sequence)
            await session.close()
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(try collector.sqlInt("SELECT count(*) FROM ingested_batch WHERE node_id = 'gpu-t01'") == 1, "the resend was deduplicated")
        #expect(await collector.stop() == 0, "\(collector.text)")
    }

    @Test func untrustedCertificateWrongNameAndPlainTextAreRefused() async throws {
        let certificates = try Certificates()
        defer { certificates.directory.remove() }
        let collector = try Self.collector(certificates, node: "gpu-t02")
        try await collector.start()
        let key = try CollectorUnderTest.key(node: "gpu-t02")

        // Refused by the agent before any of its data leaves: a collector whose CA it does not trust, and a
        // certificate for other names than the one asked for (a name, or the address itself).
        for options in [
            Self.tlsOptions(ca: certificates.otherCA, serverName: "localhost"), Self.tlsOptions(ca: certificates.ca),
            Self.tlsOptions(ca: certificates.ca, serverName: "collector.example"),
        ] {
            await #expect {
                try await WireSession.connect(
                    host: "127.0.0.1", port: collector.port, nodeID: "gpu-t02", key: key, agentVersion: "test", options: options)
            } throws: { error in
                guard let error = error as? WireClientError, case .tls = error.problem else { return false }
                return true
            }
        }
        // An agent speaking the plain protocol to a TLS listener: closed, and the collector says why.
        await #expect(throws: WireClientError.self) {
            try await WireSession.connect(
                host: "127.0.0.1", port: collector.port, nodeID: "gpu-t02", key: key, agentVersion: "test")
        }
        #expect(await CollectorUnderTest.poll(timeout: .seconds(5)) { collector.text.contains("ingest TLS handshake failed") }, "\(collector.text)")
        // Nothing got in; the collector keeps serving a good client.
        let good = try await WireSession.connect(
            host: "127.0.0.1", port: collector.port, nodeID: "gpu-t02", key: key, agentVersion: "test",
            options: Self.tlsOptions(ca: certificates.ca, serverName: "localhost"))
        await good.close()
        #expect(try collector.sqlInt("SELECT count(*) FROM ingested_batch") == 0)
        #expect(await collector.stop() == 0, "\(collector.text)")
    }

    @Test func aKeyOthersCanReadOrAMismatchedPairStopsTheCollectorWithTheReason() async throws {
        let certificates = try Certificates()
        defer { certificates.directory.remove() }
        chmod(certificates.key, 0o644)
        let readable = try Self.collector(certificates, node: "gpu-t03")
        let check = try Subprocess.run(try Paths.executable("greencap-collector"), ["--check-config", readable.configPath])
        #expect(check.status != 0)
        #expect(check.output.contains("collector.key: mode 644 lets group or others read the key"), "\(check.output)")
        chmod(certificates.key, 0o600)
        // The other CA's certificate with the collector's key: not a pair.
        let mismatched = try CollectorUnderTest(
            nodes: ["gpu-t03"], extraIngest: "tls_certificate = \"\(certificates.otherCA)\"\ntls_key = \"\(certificates.key)\"")
        let second = try Subprocess.run(try Paths.executable("greencap-collector"), ["--check-config", mismatched.configPath])
        #expect(second.status != 0)
        #expect(second.output.contains("does not match the certificate"), "\(second.output)")
    }
}
