import Foundation
import GreencapTestSupport
import Testing
import Wire
import WireClient

/// Keys come and go without a restart: a new node's file is picked up at its hello, a removed or replaced
/// one takes effect on SIGHUP, and a key file others can read is refused with the fix in the log.
@Suite(.serialized) struct IngestKeyReloadTests {
    @Test func keysAreReadAtHelloAndReloadedOnSIGHUP() async throws {
        let collector = try CollectorUnderTest(nodes: ["kept"])
        try await collector.start()

        // A node added after start: its file is tried when it says hello.
        try CollectorUnderTest.writeKey(node: "late", into: collector.keysDirectory)
        let late = try await IngestSessionTests.connect(collector, node: "late")
        await late.close()

        // Removed, then SIGHUP: refused from then on.
        try FileManager.default.removeItem(atPath: collector.keysDirectory + "/late.key")
        collector.process?.signal(SIGHUP)
        #expect(await collector.waitForLog("ingest: node keys reloaded"))
        try await Task.sleep(for: .milliseconds(1100))  // past the one-second negative cache
        await #expect(throws: WireClientError.self) { _ = try await IngestSessionTests.connect(collector, node: "late") }

        // A key file readable by the group is refused, and the log says how to fix it.
        try CollectorUnderTest.writeKey(node: "loose", into: collector.keysDirectory)
        chmod(collector.keysDirectory + "/loose.key", 0o640)
        collector.process?.signal(SIGHUP)
        #expect(await collector.waitForLog("chmod 600"), "\(collector.text)")
        await #expect(throws: WireClientError.self) { _ = try await IngestSessionTests.connect(collector, node: "loose") }
        #expect(await collector.waitForLog("node key unusable"))

        let kept = try await IngestSessionTests.connect(collector, node: "kept")
        await kept.close()
        #expect(await collector.stop() == 0)
    }
}
