import NIOCore
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

    private var handshakeQueue: [WireMessage] = []
    private var waiter: EventLoopPromise<WireMessage>?
    private var continuation: AsyncStream<WireMessage>.Continuation?
    private var context: ChannelHandlerContext?
    private var failure: (any Error)?
    private var lastInbound = NIODeadline.now()
    private var pinger: RepeatedTask?
    let closeReason: CloseBox

    init(closeBox: CloseBox) { self.closeReason = closeBox }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    /// The next handshake message (on the event loop).
    func next(timeout: TimeAmount, eventLoop: any EventLoop) -> EventLoopFuture<WireMessage> {
        if !handshakeQueue.isEmpty { return eventLoop.makeSucceededFuture(handshakeQueue.removeFirst()) }
        if let failure { return eventLoop.makeFailedFuture(failure) }
        let promise = eventLoop.makePromise(of: WireMessage.self)
        waiter = promise
        let timer = eventLoop.scheduleTask(in: timeout) {
            promise.fail(WireClientError(.timedOut("waiting for the collector's handshake answer")))
        }
        promise.futureResult.whenComplete { _ in timer.cancel() }
        return promise.futureResult
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
        if let continuation {
            continuation.yield(message)
        } else if let waiter {
            self.waiter = nil
            waiter.succeed(message)
        } else {
            handshakeQueue.append(message)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        closeReason.set(CloseCode.protocolError, "\(error)")
        fail(WireClientError(.protocolViolation("\(error)")))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        pinger?.cancel()
        fail(WireClientError(.closed(closeReason.text ?? "the collector closed the connection")))
        continuation?.finish()
        context.fireChannelInactive()
    }

    private func fail(_ error: any Error) {
        if failure == nil { failure = error }
        if let waiter {
            self.waiter = nil
            waiter.fail(error)
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
