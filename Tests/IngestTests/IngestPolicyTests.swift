import Collector
import Foundation
import GreencapTestSupport
import Logging
import ServiceLifecycle
import Synchronization
import Testing
import Wire
import WireClient

/// The policy hook, in process: sent after authentication, again when the provider changes it, and the
/// agent's policy-ack recorded.
@Suite(.serialized) struct IngestPolicyTests {
    final class TestProvider: PolicyProvider {
        let current = Mutex<PolicyMessage?>(nil)
        func policy(for node: String) async -> PolicyMessage? { current.withLock { $0 } }
    }

    static func policy(_ id: String) -> PolicyMessage {
        PolicyMessage(id: id, issuedAt: 1, leaseExpiresAt: 2, rules: .init(), greenScore: 0.5, feedUpdatedAt: 1)
    }

    @Test func policyIsPushedOnConnectAndOnChangeAndItsAckRecorded() async throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let keys = directory.path + "/keys"
        try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
        try CollectorUnderTest.writeKey(node: "pol-1", into: keys)
        let store = try SQLiteStore(path: directory.path + "/c.sqlite")
        let telemetry = SQLiteTelemetryStore(store: store)
        let logger = Logger(label: "test")
        let writer = IngestWriter(store: telemetry, commitInterval: .milliseconds(5), commitBatches: 64, logger: logger)
        let provider = TestProvider()
        provider.current.withLock { $0 = Self.policy("p-1") }
        let server = IngestServer(
            settings: .init(host: "127.0.0.1", port: 0, policyEvery: .seconds(3600)), keyring: NodeKeyring(directory: keys),
            writer: writer, store: telemetry, policy: provider, logger: logger, reloadOnSIGHUP: false)
        let group = ServiceGroup(services: [server], logger: logger)
        let running = Task { try await group.run() }
        var port: Int?
        for _ in 0..<100 where port == nil {
            try await Task.sleep(for: .milliseconds(50))
            port = server.port
        }
        let session = try await WireSession.connect(
            host: "127.0.0.1", port: try #require(port), nodeID: "pol-1", key: CollectorUnderTest.key(node: "pol-1"), agentVersion: "t")
        var inbound = session.inbound.makeAsyncIterator()
        guard case .policy(let first) = await inbound.next() else { throw TestFailure("no policy after authentication") }
        #expect(first.id == "p-1")
        try await session.send(.policyAck(.applied(policyID: "p-1")))

        provider.current.withLock { $0 = Self.policy("p-2") }
        server.policyChanged()
        guard case .policy(let second) = await inbound.next() else { throw TestFailure("no policy after the change") }
        #expect(second.id == "p-2")
        try await session.send(.policyAck(.rejected(policyID: "p-2", reason: "cap below minimum")))
        try await Task.sleep(for: .milliseconds(300))
        await session.close()
        await group.triggerGracefulShutdown()
        try await running.value

        let rows = try Subprocess.run(
            "/usr/bin/env",
            ["sqlite3", store.path, "SELECT policy_id, coalesce(outcome, '-'), coalesce(reason, '') FROM policy_delivery ORDER BY policy_id"])
        #expect(rows.output == "p-1|applied|\np-2|rejected|cap below minimum\n")
    }
}
