import Foundation
import Logging
import NIOCore
import NIOSSL
import Wire

/// Shared by every connection of one server.
struct IngestContext: Sendable {
    var keyring: NodeKeyring
    var registry: ConnectionRegistry
    var writer: IngestWriter
    var store: any TelemetryStore
    var policy: any PolicyProvider
    var handshakeTimeout: TimeAmount
    var idleTimeout: TimeAmount
    var policyEvery: TimeAmount
    var maxInFlight: Int
    var logger: Logger
    /// What `/metrics` shows of ingest; nil in tests that build a server without the HTTP side.
    var metrics: CollectorMetrics?
}

/// One agent connection: the handshake, then batches to the writer and acks back once committed.
///
/// Runs on the channel's event loop; everything slow (key files, SQLite) happens elsewhere and comes back
/// through `eventLoop.execute`. Any refusal logs the peer, the node id (once known) and the reason, sends a
/// refusal or close frame, and closes this connection only.
final class IngestConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = WireMessage
    typealias OutboundOut = WireMessage

    private enum Phase {
        case awaitingHello
        /// Key lookup in flight.
        case lookingUp(WireMessage.Hello)
        case awaitingResponse(WireMessage.Hello, serverNonce: AuthNonce, version: UInt8, key: NodeKeyring.Lookup)
        /// Verified; duplicate check and last sequence in flight.
        case admitting(node: String)
        case authenticated(node: String)
        case closed
    }

    private let shared: IngestContext
    private let connectionID: UInt64
    private var phase = Phase.awaitingHello
    private var context: ChannelHandlerContext?
    private var logger: Logger
    private var peer = "?"
    private var lastFrameAt = NIODeadline.now()
    /// Set while a liveness probe (a ping sent because the node tried to connect again) awaits any frame.
    private var probeSentAt: NIODeadline?
    private let connectedAt = NIODeadline.now()
    private var timer: RepeatedTask?
    private var inFlight = 0
    private var readingPaused = false
    private var lastAck: UInt64 = 0
    private var policySent: String?
    private var policyTimer: RepeatedTask?
    private var drainingForShutdown = false

    private let eventLoop: any EventLoop

    init(shared: IngestContext, connectionID: UInt64, eventLoop: any EventLoop) {
        self.shared = shared
        self.connectionID = connectionID
        self.eventLoop = eventLoop
        logger = shared.logger
    }

    // MARK: lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        peer = context.channel.remoteAddress.map { "\($0)" } ?? "?"
        logger[metadataKey: "peer"] = "\(peer)"
        logger[metadataKey: "connection"] = "\(connectionID)"
        let tick = TimeAmount.milliseconds(min(1000, max(50, shared.handshakeTimeout.nanoseconds / 4_000_000)))
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleRepeatedTask(initialDelay: tick, delay: tick) { _ in bound.value.checkTimeouts() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        policyTimer?.cancel()
        if case .authenticated(let node) = phase { logger.info("ingest connection closed", metadata: ["node": "\(node)"]) }
        markClosed()
        shared.writer.enqueue(.forget(connection: connectionID))
        context.fireChannelInactive()
    }

    private func checkTimeouts() {
        let now = NIODeadline.now()
        switch phase {
        case .authenticated:
            if let sent = probeSentAt {
                if lastFrameAt >= sent {
                    probeSentAt = nil
                } else if now - sent > Self.probeTimeout {
                    return refuse(
                        .protocolError,
                        "silent for \(seconds(now - lastFrameAt)) s and no answer to a ping within \(seconds(Self.probeTimeout)) s "
                            + "while the node tried to connect again: closed so the new connection can take over")
                }
            }
            if now - lastFrameAt > shared.idleTimeout {
                refuse(.protocolError, "idle: no frame for \(seconds(now - lastFrameAt)) s (limit \(seconds(shared.idleTimeout)) s)")
            }
        case .closed:
            break
        default:
            if now - connectedAt > shared.handshakeTimeout {
                refuse(.authenticationFailed, "handshake timeout: not authenticated within \(seconds(shared.handshakeTimeout)) s")
            }
        }
    }

    /// A live agent answers a ping within a round trip; a few seconds also covers a busy collector.
    static let probeTimeout = TimeAmount.seconds(3)

    /// Another connection claimed this node: if this one is alive it answers the ping and keeps the node;
    /// if it died without a FIN, it is closed within `probeTimeout` instead of the idle timeout.
    func probeLiveness() {
        guard case .authenticated = phase, probeSentAt == nil else { return }
        probeSentAt = .now()
        send(.ping(sentAt: Self.nowMs()))
    }

    private func seconds(_ amount: TimeAmount) -> String {
        String(format: "%.1f", Double(amount.nanoseconds) / 1e9)
    }

    // MARK: inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        lastFrameAt = .now()
        shared.metrics?.ingestFrames.increment()
        switch phase {
        case .awaitingHello:
            guard case .hello(let hello) = message else {
                return refuse(.authenticationFailed, "unauthenticated \(message.type) frame before hello")
            }
            receiveHello(hello)
        case .awaitingResponse(let hello, let serverNonce, let version, let lookup):
            guard case .authResponse(let proof) = message else {
                return refuse(.authenticationFailed, "unauthenticated \(message.type) frame before auth-response")
            }
            verify(proof, hello: hello, serverNonce: serverNonce, version: version, lookup: lookup)
        case .lookingUp, .admitting:
            refuse(.authenticationFailed, "unauthenticated \(message.type) frame during the handshake")
        case .authenticated(let node):
            receive(message, node: node)
        case .closed:
            break
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is WireError { shared.metrics?.refusals(reason: "malformed").increment() }
        if error is NIOSSLError || error is BoringSSLError {
            shared.metrics?.refusals(reason: "tls").increment()
            logger.warning("ingest TLS handshake failed (an agent without [uplink] tls = true, or one that does not trust this certificate?): \(error)")
            markClosed()
            context.close(promise: nil)
            return
        }
        guard let wire = error as? WireError else {
            if case .closed = phase { return }
            logger.info("ingest connection error: \(error)", metadata: nodeMetadata)
            markClosed()
            context.close(promise: nil)
            return
        }
        let code: CloseCode
        switch wire.problem {
        case .unsupportedVersion: code = .unsupportedVersion
        case .frameTooLarge, .countBeyondLimit, .stringTooLong: code = .limitExceeded
        case .unknownMessageType: code = .unknownMessage
        default: code = .protocolError
        }
        refuse(code, "bad input: \(wire)")
    }

    private var nodeMetadata: Logger.Metadata {
        switch phase {
        case .authenticated(let node), .admitting(let node): ["node": "\(node)"]
        case .lookingUp(let hello), .awaitingResponse(let hello, _, _, _): ["node": "\(hello.nodeID)", "authenticated": "false"]
        default: [:]
        }
    }

    // MARK: handshake

    private func receiveHello(_ hello: WireMessage.Hello) {
        guard let version = hello.supportedVersions.filter({ WireVersion.supported.contains($0) }).max() else {
            logger.warning(
                "ingest refused: no common protocol version",
                metadata: ["node": "\(hello.nodeID)", "offered": "\(hello.supportedVersions)"])
            return close(.unsupportedVersion, "no common version: this collector speaks \(WireVersion.supported)")
        }
        phase = .lookingUp(hello)
        // Key files are read off the event loop.
        let keyring = shared.keyring
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let loop = eventLoop
        Task {
            let lookup = keyring.key(for: hello.nodeID)
            loop.execute { bound.value.keyLooked(up: lookup, hello: hello, version: version) }
        }
    }

    private func keyLooked(up lookup: NodeKeyring.Lookup, hello: WireMessage.Hello, version: UInt8) {
        guard case .lookingUp = phase else { return }
        // The challenge goes out whether or not the node is known: the refusal comes after the response, so a
        // scan of node ids learns nothing from timing or from the first answer.
        let nonce = AuthNonce.random()
        phase = .awaitingResponse(hello, serverNonce: nonce, version: version, key: lookup)
        send(.challenge(.init(version: version, serverNonce: nonce)))
    }

    private func verify(_ proof: AuthProof, hello: WireMessage.Hello, serverNonce: AuthNonce, version: UInt8, lookup: NodeKeyring.Lookup) {
        let node = hello.nodeID
        let key: NodeKey
        switch lookup {
        case .found(let found): key = found
        case .unknown:
            return refuseAuth(node: node, reason: "unknown node", log: "unknown node (no \(node).key in \(shared.keyring.directory))")
        case .unusable(let why):
            return refuseAuth(node: node, reason: "unknown node", log: "node key unusable: \(why)")
        }
        let transcript = AuthTranscript(nodeID: node, clientNonce: hello.clientNonce, serverNonce: serverNonce, version: version)
        guard transcript.verify(proof, from: .agent, key: key) else {
            return refuseAuth(
                node: node, reason: "authentication failed",
                log: "proof does not verify (wrong key, or a response replayed from another connection)")
        }
        phase = .admitting(node: node)
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let loop = eventLoop
        let entry = ConnectionRegistry.Entry(
            connection: connectionID, refreshPolicy: { loop.execute { bound.value.refreshPolicy() } },
            probe: { loop.execute { bound.value.probeLiveness() } })
        guard shared.registry.claim(node: node, entry: entry) else {
            phase = .awaitingHello  // not ours to release
            return refuseAuth(
                node: node, reason: "node already connected",
                log: "node already connected on another connection; this one is refused, that one keeps working")
        }
        shared.metrics?.connectedNodes.increment()
        let store = shared.store
        Task {
            let result: Result<UInt64, any Error>
            do { result = .success(try await store.lastSequence(node: node)) } catch { result = .failure(error) }
            loop.execute { bound.value.admit(node: node, hello: hello, transcript: transcript, key: key, last: result) }
        }
    }

    private func admit(node: String, hello: WireMessage.Hello, transcript: AuthTranscript, key: NodeKey, last: Result<UInt64, any Error>) {
        guard case .admitting = phase else { return }
        guard case .success(let lastStored) = last else {
            logger.error("ingest: cannot read the node's last sequence; refusing for now", metadata: ["node": "\(node)"])
            return close(.overloaded, "store unavailable, retry later")
        }
        phase = .authenticated(node: node)
        lastAck = lastStored
        logger[metadataKey: "node"] = "\(node)"
        send(.authResult(.accepted(serverProof: transcript.proof(for: .collector, key: key), lastStoredSequence: lastStored)))
        shared.writer.enqueue(
            .nodeSeen(node: node, agentVersion: hello.agentVersion, peer: peer, at: Self.nowMs()))
        logger.info("ingest node authenticated", metadata: ["agent_version": "\(hello.agentVersion)", "last_sequence": "\(lastStored)"])
        refreshPolicy()
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        policyTimer = eventLoop.scheduleRepeatedTask(initialDelay: shared.policyEvery, delay: shared.policyEvery) { _ in
            bound.value.refreshPolicy()
        }
    }

    private func refuseAuth(node: String, reason: String, log: String) {
        shared.metrics?.refusals(reason: reason == "node already connected" ? "duplicate_node" : "auth").increment()
        logger.warning("ingest refused: \(log)", metadata: ["node": "\(node)"])
        send(.authResult(.refused(reason: reason)))
        close(.authenticationFailed, reason, logged: true)
    }

    // MARK: authenticated traffic

    private func receive(_ message: WireMessage, node: String) {
        switch message {
        case .seriesDictionary(let entries):
            shared.writer.enqueue(.dictionary(connection: connectionID, node: node, entries: entries))
        case .samples(let batch):
            let chunks = PreparedChunk.chunks(of: batch)
            let count = chunks.reduce(0) { $0 + $1.count }
            shared.metrics?.ingestSamples.increment(by: Int64(count))
            submit(
                .samples(connection: connectionID, node: node, sequence: batch.sequence, chunks: chunks, sampleCount: count),
                sequence: batch.sequence)
        case .events(let batch):
            submit(.events(node: node, sequence: batch.sequence, events: batch.events), sequence: batch.sequence)
        case .policyAck(let ack):
            let (id, applied, reason): (String, Bool, String?) =
                switch ack {
                case .applied(let id): (id, true, nil)
                case .rejected(let id, let reason): (id, false, reason)
                }
            if !applied { logger.warning("policy rejected by the agent", metadata: ["policy": "\(id)", "reason": "\(reason ?? "")"]) }
            shared.writer.enqueue(.policyAck(node: node, policyID: id, applied: applied, reason: reason, at: Self.nowMs()))
        case .nodeInfo(let info):
            shared.writer.enqueue(.nodeInfo(node: node, info: info, at: Self.nowMs()))
        case .ping(let sentAt):
            send(.pong(pingSentAt: sentAt, sentAt: Self.nowMs()))
        case .pong:
            break
        case .close(let reason):
            logger.info("agent closed the connection", metadata: ["code": "\(reason.code.rawValue)", "reason": "\(reason.reason)"])
            markClosed()
            context?.close(promise: nil)
        case .hello, .challenge, .authResponse, .authResult, .ack, .policy:
            refuse(.protocolError, "unexpected \(message.type) after authentication")
        }
    }

    /// Hands a batch to the writer; reading stops while `maxInFlight` batches of this connection wait for
    /// their commit, so a flooding peer fills its own TCP window, not the collector's memory.
    private func submit(_ item: IngestItem, sequence: UInt64) {
        inFlight += 1
        if inFlight >= shared.maxInFlight && !readingPaused {
            readingPaused = true
            context?.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
        }
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let loop = eventLoop
        shared.writer.enqueue(item) { result in
            loop.execute { bound.value.committed(result, sequence: sequence) }
        }
    }

    /// Acks name the batch just committed, not the node's contiguous mark: the agent's spool thins and drops
    /// records when it overflows, so its sequences have gaps that would stop a contiguous mark for good. On one
    /// connection batches commit in the order they were sent, so an ack covers everything sent before it.
    private func committed(_ result: Result<IngestOutcome, any Error>, sequence: UInt64) {
        inFlight -= 1
        guard case .authenticated = phase else { return }
        switch result {
        case .success(.stored), .success(.duplicate):
            // A duplicate is acknowledged again, so an agent that lost the first ack moves on.
            lastAck = max(lastAck, sequence)
            send(.ack(sequence: lastAck))
        case .success(.refused(let why)):
            return close(.shuttingDown, why)
        case .success(.done):
            break
        case .failure:
            return close(.overloaded, "store write failed; resend after reconnecting")
        }
        if readingPaused && inFlight < shared.maxInFlight && !drainingForShutdown {
            readingPaused = false
            context?.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
            context?.read()
        }
    }

    // MARK: policy

    private func refreshPolicy() {
        guard case .authenticated(let node) = phase else { return }
        let provider = shared.policy
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let loop = eventLoop
        Task {
            let policy = await provider.policy(for: node)
            loop.execute { bound.value.offer(policy) }
        }
    }

    private func offer(_ policy: PolicyMessage?) {
        guard case .authenticated(let node) = phase, let policy, policy.id != policySent else { return }
        policySent = policy.id
        send(.policy(policy))
        shared.writer.enqueue(.policySent(node: node, policyID: policy.id, at: Self.nowMs()))
        logger.info("policy sent", metadata: ["policy": "\(policy.id)"])
    }

    // MARK: shutdown and refusals

    /// Graceful shutdown, step 1: read nothing more; what is in flight still commits and is acked.
    func stopReading() {
        drainingForShutdown = true
        context?.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
    }

    /// Step 2: say why and close.
    func closeForShutdown() {
        close(.shuttingDown, "collector shutting down", logged: true)
    }

    private func refuse(_ code: CloseCode, _ reason: String) {
        guard !isClosed else { return }
        let timedOut = reason.hasPrefix("idle") || reason.hasPrefix("handshake timeout")
        shared.metrics?.refusals(reason: timedOut ? "timeout" : code == .authenticationFailed ? "auth" : "malformed").increment()
        logger.warning("ingest refused: \(reason)", metadata: nodeMetadata)
        close(code, reason, logged: true)
    }

    /// Every way out goes through here, so the node is released exactly when this connection stops holding it.
    private func markClosed() {
        switch phase {
        case .authenticated(let node), .admitting(let node):
            shared.registry.release(node: node, connection: connectionID)
            shared.metrics?.connectedNodes.decrement()
        default: break
        }
        phase = .closed
    }

    private var isClosed: Bool {
        if case .closed = phase { return true }
        return false
    }

    private func close(_ code: CloseCode, _ reason: String, logged: Bool = false) {
        guard !isClosed, let context else { return }
        if !logged { logger.info("ingest closing: \(reason)", metadata: nodeMetadata) }
        markClosed()
        timer?.cancel()
        policyTimer?.cancel()
        context.writeAndFlush(wrapOutboundOut(.close(.init(code: code, reason: String(reason.utf8.prefix(512)) ?? "closed"))), promise: nil)
        context.close(promise: nil)
    }

    private func send(_ message: WireMessage) {
        guard let context else { return }
        context.writeAndFlush(wrapOutboundOut(message), promise: nil)
    }

    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
