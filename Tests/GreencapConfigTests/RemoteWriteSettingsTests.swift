import Foundation
import GreencapConfig
import GreencapTestSupport
import Testing

/// `[remote_write]`: defaults, every key, and errors at file:line:key (credential files included).
@Suite struct RemoteWriteSettingsTests {
    @Test func absentMeansOff() throws {
        let config = try CollectorConfig.load(path: "mem.toml", text: "")
        #expect(config.remoteWrite.url == nil)
        #expect(!config.remoteWrite.enabled)
        #expect(config.remoteWrite.every == .seconds(10))
        #expect(config.remoteWrite.maxSamplesPerRequest == 2000)
    }

    @Test func readsEveryKey() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let password = try directory.write("password", "s3cret\n")
        chmod(password, 0o640)
        let config = try CollectorConfig.load(
            path: "mem.toml",
            text: """
                [remote_write]
                url = "http://prometheus:9090/api/v1/write"
                every = "2s"
                max_samples_per_request = 500
                timeout = "3s"
                basic_auth_user = "greencap"
                basic_auth_password_file = "\(password)"
                """)
        #expect(config.remoteWrite.url == "http://prometheus:9090/api/v1/write")
        #expect(config.remoteWrite.every == .seconds(2))
        #expect(config.remoteWrite.maxSamplesPerRequest == 500)
        #expect(config.remoteWrite.timeout == .seconds(3))
        #expect(config.remoteWrite.basicAuthUser == "greencap")
        #expect(try CredentialFile.read(path: password) == "s3cret")
    }

    @Test func errorsNameFileLineAndKey() throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let token = try directory.write("token", "abc\n")
        chmod(token, 0o644)
        let text = """
            [remote_write]
            url = "prometheus:9090/api/v1/write"
            every = "0s"
            bearer_token_file = "\(token)"
            basic_auth_user = "greencap"
            """
        do {
            _ = try CollectorConfig.load(path: "/etc/greencap/collector.toml", text: text)
            Issue.record("a broken [remote_write] was accepted")
        } catch {
            let lines = error.issues.map(\.description).joined(separator: "\n")
            #expect(lines.contains("/etc/greencap/collector.toml:2: key 'remote_write.url'"), "\(lines)")
            #expect(lines.contains("/etc/greencap/collector.toml:3: key 'remote_write.every'"), "\(lines)")
            #expect(lines.contains("/etc/greencap/collector.toml:4: key 'remote_write.bearer_token_file'"), "\(lines)")
            #expect(lines.contains("every user on this machine may read it"), "\(lines)")
            #expect(lines.contains("not both"), "\(lines)")
            #expect(lines.contains("remote_write.basic_auth_password_file"), "\(lines)")
        }
    }
}
