import Foundation
import GreencapTestSupport
import NIOCore
import Testing
import Wire
import WireClient

/// Each kind of bad peer is refused, with a logged reason naming the peer, while an authenticated client on
/// the same collector keeps being acknowledged.
@Suite(.serialized) struct IngestRefusalTests {
    @Test func everyBadPeerIsRefusedAndTheGoodOneKeepsBeingAcked() async throws {
        let collector = try CollectorUnderTest(
            nodes: ["good-1", "n-wrong", "n-replay", "n-dup"], extraIngest: "handshake_timeout = \"2s\"")
        try await collector.start()
        let good = try await IngestSessionTests.connect(collector, node: "good-1")
        var model = NodeStreamModel(seed: 1, start: IngestTime.nowMs())
        try await good.send(.seriesDictionary(model.series))
        var acks = good.inbound.makeAsyncIterator()
        var sequence: UInt64 = 0

        func goodClientStillAcked(_ what: String) async throws {
            sequence += 1
            var batch = model.nextBatch()
            batch.sequence = sequence
            do { try await good.send(.samples(batch)) } catch {
                Issue.record("after \(what): \(error); close reason \(String(describing: good.closeReason)); log:\n\(collector.text)")
                throw error
            }
            let acked = await IngestSessionTests.waitForAck(&acks, atLeast: sequence)
            #expect(acked == sequence, "after \(what): the good client is still acked; log:\n\(collector.text)")
        }

        // Unknown node.
        await #expect(throws: WireClientError.self) {
            _ = try await IngestSessionTests.connect(collector, node: "ghost", key: CollectorUnderTest.key(node: "good-1"))
        }
        #expect(await collector.waitForLog("ingest refused: unknown node"), "log:\n\(collector.text)")
        try await goodClientStillAcked("unknown node")

        // Wrong key.
        await #expect(throws: WireClientError.self) {
            _ = try await IngestSessionTests.connect(collector, node: "n-wrong", key: CollectorUnderTest.key(node: "good-1"))
        }
        #expect(await collector.waitForLog("proof does not verify"))
        try await goodClientStillAcked("wrong key")

        // A response recorded on one connection, replayed on the next: the server nonce differs.
        let nonce = AuthNonce(bytes: Array(0..<32))
        let first = try RawPeer(port: collector.port)
        try first.send(.hello(.init(nodeID: "n-replay", agentVersion: "t", clientNonce: nonce)))
        guard case .challenge(let challenge) = first.next() else { throw TestFailure("no challenge") }
        let proof = AuthTranscript(nodeID: "n-replay", clientNonce: nonce, serverNonce: challenge.serverNonce, version: 1)
            .proof(for: .agent, key: try CollectorUnderTest.key(node: "n-replay"))
        try first.send(.authResponse(proof))
        guard case .authResult(.accepted) = first.next() else { throw TestFailure("first connection not accepted") }
        try first.send(.close(.init(code: .normal, reason: "done")))
        _ = first.readUntilClosed(timeout: 2)
        let replay = try RawPeer(port: collector.port)
        try replay.send(.hello(.init(nodeID: "n-replay", agentVersion: "t", clientNonce: nonce)))
        guard case .challenge = replay.next() else { throw TestFailure("no challenge on replay") }
        try replay.send(.authResponse(proof))
        let replayed = replay.readUntilClosed()
        #expect(replayed.closed)
        #expect(replayed.messages.contains(.authResult(.refused(reason: "authentication failed"))))
        try await goodClientStillAcked("replay")

        // The same node id twice: the second connection is refused, the first keeps working.
        let dupFirst = try await IngestSessionTests.connect(collector, node: "n-dup")
        await #expect(throws: WireClientError.self) { _ = try await IngestSessionTests.connect(collector, node: "n-dup") }
        #expect(await collector.waitForLog("node already connected"))
        try await dupFirst.send(.events(EventBatch(sequence: 1, events: [.note(time: 1, code: 1, text: "still here")])))
        var dupAcks = dupFirst.inbound.makeAsyncIterator()
        #expect(await IngestSessionTests.waitForAck(&dupAcks, atLeast: 1) == 1)
        await dupFirst.close()
        try await goodClientStillAcked("duplicate node id")

        // Garbage (an HTTP request).
        try await expectRefused(collector, bytes: Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8), log: "bad magic")
        try await goodClientStillAcked("garbage")

        // Oversized: a header claiming a 2 MiB body.
        try await expectRefused(collector, bytes: [0x47, 0x43, 1, 0x11, 0, 0x00, 0x20, 0x00, 0x00], log: "exceeds the limit")
        try await goodClientStillAcked("oversized")

        // Bad CRC on an otherwise valid hello.
        var hello = Array(try WireCodec().encode(.hello(.init(nodeID: "good-1", agentVersion: "t", clientNonce: nonce))).readableBytesView)
        hello[hello.count - 1] ^= 0xFF
        try await expectRefused(collector, bytes: hello, log: "CRC32C mismatch")
        try await goodClientStillAcked("bad CRC")

        // Wrong version: only version 9 offered; and a frame in version 9.
        let offer = Array(
            try WireCodec().encode(.hello(.init(nodeID: "good-1", agentVersion: "t", supportedVersions: [9], clientNonce: nonce)))
                .readableBytesView)
        let refusedOffer = try await expectRefused(collector, bytes: offer, log: "no common protocol version")
        #expect(refusedOffer.contains { if case .close(let r) = $0 { r.code == .unsupportedVersion } else { false } })
        var version9 = Array(try WireCodec().encode(.ping(sentAt: 1)).readableBytesView)
        version9[2] = 9
        try await expectRefused(collector, bytes: version9, log: "unsupported protocol version 9")
        try await goodClientStillAcked("wrong version")

        // Unauthenticated data: a samples frame before hello.
        let data = Array(try WireCodec().encode(.events(EventBatch(sequence: 1, events: []))).readableBytesView)
        try await expectRefused(collector, bytes: data, log: "unauthenticated events frame before hello")
        try await goodClientStillAcked("unauthenticated data")

        // A peer that connects and says nothing: closed by the handshake timeout (2 s here).
        let silent = try RawPeer(port: collector.port)
        let started = Date()
        let outcome = silent.readUntilClosed(timeout: 5)
        #expect(outcome.closed)
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(await collector.waitForLog("handshake timeout"))
        try await goodClientStillAcked("silent peer")

        // Every refusal names the peer.
        let refusals = collector.text.split(separator: "\n").filter { $0.contains("ingest refused") }
        #expect(refusals.count >= 10, "\(refusals)")
        #expect(refusals.allSatisfy { $0.contains("peer=") })
        await good.close()
        #expect(await collector.stop() == 0)
    }

    @Test func idleAuthenticatedPeerIsClosedWhileAPingingOneStays() async throws {
        let collector = try CollectorUnderTest(nodes: ["quiet", "chatty"], extraIngest: "ping_interval = \"200ms\"")
        try await collector.start()
        var silentOptions = WireClientOptions()
        silentOptions.pingInterval = nil
        let quiet = try await WireSession.connect(
            host: "127.0.0.1", port: collector.port, nodeID: "quiet", key: CollectorUnderTest.key(node: "quiet"),
            agentVersion: "t", options: silentOptions)
        var pinging = WireClientOptions()
        pinging.pingInterval = .milliseconds(100)
        let chatty = try await WireSession.connect(
            host: "127.0.0.1", port: collector.port, nodeID: "chatty", key: CollectorUnderTest.key(node: "chatty"),
            agentVersion: "t", options: pinging)
        // The quiet one's stream ends: the collector closed it after 3 × 200 ms of silence.
        for await _ in quiet.inbound {}
        #expect(quiet.closeReason?.reason.hasPrefix("idle") == true, "\(String(describing: quiet.closeReason))")
        #expect(await collector.waitForLog("ingest refused: idle: no frame"))
        #expect(collector.text.contains("node=quiet"))
        try await chatty.send(.events(EventBatch(sequence: 1, events: [.note(time: 1, code: 1, text: "alive")])))
        var acks = chatty.inbound.makeAsyncIterator()
        #expect(await IngestSessionTests.waitForAck(&acks, atLeast: 1) == 1)
        #expect(chatty.isActive)
        await chatty.close()
        #expect(await collector.stop() == 0)
    }

    /// A node whose old connection died without a FIN (here: authenticated, then never reads or answers) is
    /// refused once, which probes the old connection; the dead one is closed within seconds, not the 30 s idle
    /// timeout, and the node's retry gets in.
    @Test func aReconnectProbesTheOldConnectionAndTakesOverWhenItIsDead() async throws {
        let collector = try CollectorUnderTest(nodes: ["n-break"])
        try await collector.start()
        let nonce = AuthNonce(bytes: Array(32..<64))
        let dead = try RawPeer(port: collector.port)
        try dead.send(.hello(.init(nodeID: "n-break", agentVersion: "t", clientNonce: nonce)))
        guard case .challenge(let challenge) = dead.next() else { throw TestFailure("no challenge") }
        try dead.send(
            .authResponse(
                AuthTranscript(nodeID: "n-break", clientNonce: nonce, serverNonce: challenge.serverNonce, version: 1)
                    .proof(for: .agent, key: try CollectorUnderTest.key(node: "n-break"))))
        guard case .authResult(.accepted) = dead.next() else { throw TestFailure("not accepted") }

        let clock = ContinuousClock()
        let started = clock.now
        await #expect(throws: WireClientError.self) {
            _ = try await WireSession.connect(
                host: "127.0.0.1", port: collector.port, nodeID: "n-break", key: CollectorUnderTest.key(node: "n-break"),
                agentVersion: "t")
        }
        #expect(await collector.waitForLog("no answer to a ping"), "\(collector.text)")
        var session: WireSession?
        while session == nil, clock.now - started < .seconds(10) {
            session = try? await WireSession.connect(
                host: "127.0.0.1", port: collector.port, nodeID: "n-break", key: CollectorUnderTest.key(node: "n-break"),
                agentVersion: "t")
            if session == nil { try await Task.sleep(for: .milliseconds(200)) }
        }
        let waited = clock.now - started
        #expect(waited < .seconds(10), "took over after \(waited); the idle timeout alone is 30 s")
        #expect(session != nil, "\(collector.text)")
        await session?.close()
        #expect(await collector.stop() == 0)
    }

    @discardableResult
    func expectRefused(_ collector: CollectorUnderTest, bytes: [UInt8], log: String) async throws -> [WireMessage] {
        let peer = try RawPeer(port: collector.port)
        peer.send(bytes)
        let outcome = peer.readUntilClosed()
        #expect(outcome.closed, "connection closed after: \(log)")
        #expect(await collector.waitForLog(log), "log names '\(log)':\n\(collector.text)")
        return outcome.messages
    }
}
