import NIOCore
import NIOSSL
import Wire

/// What the session writes: a message, or a frame whose body was encoded ahead of time (the load tool).
enum ClientOutbound: Sendable {
    case message(WireMessage)
    case frame(type: MessageType, body: ByteBuffer)
}

final class ClientEncoder: ChannelOutboundHandler {
    typealias OutboundIn = ClientOutbound
    typealias OutboundOut = ByteBuffer

    let codec: WireCodec

    init(limits: WireLimits) { codec = WireCodec(limits: limits) }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var out = context.channel.allocator.buffer(capacity: 256)
        do {
            switch unwrapOutboundIn(data) {
            case .message(let message):
                try codec.encode(message, into: &out)
            case .frame(let type, let body):
                try WireFrame(version: codec.version, type: type.rawValue, payload: body).write(into: &out, limits: codec.limits)
            }
        } catch {
            promise?.fail(error)
            return
        }
        context.write(wrapOutboundOut(out), promise: promise)
    }
}

/// Inbound messages: during the handshake they wait for `next()`, afterwards they go to the session's stream.
/// Pings are answered here; the collector's silence beyond the limit closes the channel.
final class ClientInboundHandler: ChannelInboundHandler {
    typealias InboundIn = WireMessage
    typealias OutboundOut = ClientOutbound

    /// Messages after the handshake and before `startSession` (a policy sent right after authentication).
    private var handshakeQueue: [WireMessage] = []
    /// The handshake runs here, on the event loop, so a busy cooperative pool in the caller's process can never
    /// hold the answer to a challenge past the collector's handshake timeout.
    private var handshake: Handshake?

    struct Handshake {
        var nodeID: String
        var key: NodeKey
        var clientNonce: AuthNonce
        var transcript: AuthTranscript?
        var promise: EventLoopPromise<(version: UInt8, lastStored: UInt64)>
    }
    private var continuation: AsyncStream<WireMessage>.Continuation?
    private var context: ChannelHandlerContext?
    private var failure: (any Error)?
    private var lastInbound = NIODeadline.now()
    private var pinger: RepeatedTask?
    let closeReason: CloseBox

    /// What `channelActive` starts: the hello goes out from the event loop the moment TCP connects.
    struct HandshakePlan {
        var nodeID: String
        var key: NodeKey
        var agentVersion: String
        var timeout: TimeAmount
        var promise: EventLoopPromise<(version: UInt8, lastStored: UInt64)>
    }

    private var plan: HandshakePlan?

    init(closeBox: CloseBox, plan: HandshakePlan) {
        self.closeReason = closeBox
        self.plan = plan
    }

    func channelActive(context: ChannelHandlerContext) {
        if let plan {
            self.plan = nil
            startHandshake(
                nodeID: plan.nodeID, key: plan.key, agentVersion: plan.agentVersion, timeout: plan.timeout, promise: plan.promise)
        }
        context.fireChannelActive()
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    /// Sends hello and answers the challenge; the promise completes with the agreed version and the last stored
    /// sequence once the collector's proof verified, or fails with the reason.
    func startHandshake(
        nodeID: String, key: NodeKey, agentVersion: String, timeout: TimeAmount,
        promise: EventLoopPromise<(version: UInt8, lastStored: UInt64)>
    ) {
        guard let context else { return promise.fail(WireClientError(.closed("not connected"))) }
        let nonce = AuthNonce.random()
        handshake = Handshake(nodeID: nodeID, key: key, clientNonce: nonce, promise: promise)
        let timer = context.eventLoop.scheduleTask(in: timeout) {
            promise.fail(WireClientError(.timedOut("the collector did not complete the handshake")))
        }
        promise.futureResult.whenComplete { _ in timer.cancel() }
        context.writeAndFlush(
            wrapOutboundOut(.message(.hello(.init(nodeID: nodeID, agentVersion: agentVersion, clientNonce: nonce)))), promise: nil)
    }

    private func advanceHandshake(_ message: WireMessage, context: ChannelHandlerContext) {
        guard var step = handshake else { return }
        switch message {
        case .challenge(let challenge) where step.transcript == nil:
            let transcript = AuthTranscript(
                nodeID: step.nodeID, clientNonce: step.clientNonce, serverNonce: challenge.serverNonce, version: challenge.version)
            step.transcript = transcript
            handshake = step
            context.writeAndFlush(wrapOutboundOut(.message(.authResponse(transcript.proof(for: .agent, key: step.key)))), promise: nil)
        case .authResult(.accepted(let proof, let lastStored)):
            handshake = nil
            guard let transcript = step.transcript, transcript.verify(proof, from: .collector, key: step.key) else {
                step.promise.fail(WireClientError(.collectorNotAuthenticated))
                context.close(promise: nil)
                return
            }
            step.promise.succeed((transcript.version, lastStored))
        case .authResult(.refused(let reason)):
            handshake = nil
            step.promise.fail(WireClientError(.refused(reason)))
        case .close(let reason):
            handshake = nil
            step.promise.fail(WireClientError(.refused("close \(reason.code.rawValue): \(reason.reason)")))
        default:
            handshake = nil
            step.promise.fail(WireClientError(.protocolViolation("unexpected \(message.type) during the handshake")))
            context.close(promise: nil)
        }
    }

    /// From now on messages go to `continuation`; pings start.
    func startSession(continuation: AsyncStream<WireMessage>.Continuation, pingInterval: TimeAmount?) {
        self.continuation = continuation
        for message in handshakeQueue { continuation.yield(message) }
        handshakeQueue = []
        if failure != nil { continuation.finish() }
        guard let pingInterval, let context else { return }
        lastInbound = .now()
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        pinger = context.eventLoop.scheduleRepeatedTask(initialDelay: pingInterval, delay: pingInterval) { _ in
            bound.value.pingOrGiveUp(limit: pingInterval * 3)
        }
    }

    private func pingOrGiveUp(limit: TimeAmount) {
        guard let context else { return }
        if NIODeadline.now() - lastInbound > limit {
            closeReason.set(CloseCode.normal, "collector silent for \(limit.nanoseconds / 1_000_000_000) s")
            context.close(promise: nil)
            return
        }
        context.writeAndFlush(wrapOutboundOut(.message(.ping(sentAt: WireClock.nowMs()))), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        lastInbound = .now()
        if case .ping(let sentAt) = message {
            context.writeAndFlush(wrapOutboundOut(.message(.pong(pingSentAt: sentAt, sentAt: WireClock.nowMs()))), promise: nil)
            return
        }
        if case .close(let reason) = message { closeReason.set(reason.code, reason.reason) }
        if case .authResult(.refused(let reason)) = message { closeReason.set(.authenticationFailed, reason) }
        if handshake != nil { return advanceHandshake(message, context: context) }
        if let continuation {
            continuation.yield(message)
        } else {
            handshakeQueue.append(message)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        closeReason.set(CloseCode.protocolError, "\(error)")
        let tlsFailure = error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError
        fail(WireClientError(tlsFailure ? .tls("\(error)") : .protocolViolation("\(error)")))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        pinger?.cancel()
        if let plan {
            self.plan = nil
            plan.promise.fail(WireClientError(.closed("connection closed before it was established")))
        }
        fail(WireClientError(.closed(closeReason.text ?? "the collector closed the connection")))
        continuation?.finish()
        context.fireChannelInactive()
    }

    private func fail(_ error: any Error) {
        if failure == nil { failure = error }
        if let step = handshake {
            handshake = nil
            step.promise.fail(error)
        }
    }
}

enum WireClock {
    static func nowMs() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
