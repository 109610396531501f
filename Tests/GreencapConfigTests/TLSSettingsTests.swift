import GreencapConfig
import Testing

/// `[ingest] tls_certificate`/`tls_key` and `[uplink] tls`/`tls_ca`/`tls_server_name`.
@Suite struct TLSSettingsTests {
    static func problems(_ load: () throws -> Void) -> [String] {
        do {
            try load()
            return []
        } catch let error as ConfigError {
            return error.issues.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    @Test func uplinkTLSKeysAreRead() throws {
        let config = try AgentConfig.load(
            path: "a.toml",
            text: """
                [node]
                id = "n1"
                [uplink]
                collector = "127.0.0.1:7070"
                tls = true
                tls_ca = "/etc/greencap/tls/ca.pem"
                tls_server_name = "collector.gwangju"
                """)
        #expect(config.uplink.tls)
        #expect(config.uplink.tlsCA == "/etc/greencap/tls/ca.pem")
        #expect(config.uplink.tlsServerName == "collector.gwangju")
    }

    @Test func trustRootsWithoutTLSAreAMistakeNamedOnItsLine() {
        let problems = Self.problems {
            _ = try AgentConfig.load(path: "a.toml", text: "[node]\nid = \"n1\"\n[uplink]\ntls_ca = \"/ca.pem\"\n")
        }
        #expect(problems.contains { $0.contains("uplink.tls") && $0.contains("add tls = true") }, "\(problems)")
    }

    @Test func ingestNeedsBothCertificateAndKey() throws {
        let both = try CollectorConfig.load(
            path: "c.toml", text: "[ingest]\ntls_certificate = \"/c.pem\"\ntls_key = \"/c.key\"\n")
        #expect(both.ingest.tlsCertificate == "/c.pem" && both.ingest.tlsKey == "/c.key")
        let onlyCertificate = Self.problems { _ = try CollectorConfig.load(path: "c.toml", text: "[ingest]\ntls_certificate = \"/c.pem\"\n") }
        #expect(onlyCertificate.contains { $0.hasPrefix("c.toml:") && $0.contains("ingest.tls_key") }, "\(onlyCertificate)")
        let emptyKey = Self.problems {
            _ = try CollectorConfig.load(path: "c.toml", text: "[ingest]\ntls_certificate = \"/c.pem\"\ntls_key = \"\"\n")
        }
        #expect(emptyKey.contains { $0.contains("ingest.tls_key") && $0.contains("empty string") }, "\(emptyKey)")
    }
}
