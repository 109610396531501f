import Logging
import NIOCore
import NIOPosix
import Wire

/// One authenticated connection to the collector, as an agent sees it (docs/collector.md, "Client session").
///
/// `connect` performs the whole handshake — hello, challenge, auth-response, auth-result — and verifies the
/// collector's proof, so a returned session is talking to a collector that holds this node's key.
/// `lastStoredSequence` says where to resume. Then: `send` the series dictionary before the first batch that
/// uses an id, batches, policy acks; read `inbound` for acks, policy and close frames (pings are answered
/// inside). The stream finishes when the connection ends; `closeReason` says why when known. Reconnecting,
/// spooling and resending are the caller's (the agent's `Uplink`).
public final class WireSession: Sendable {
    public let nodeID: String
    public let version: UInt8
    /// Every batch with a sequence at or below this is stored at the collector.
    public let lastStoredSequence: UInt64
    /// Acks, policy, pongs and close frames, in arrival order; finishes when the connection closes.
    public let inbound: AsyncStream<WireMessage>

    let channel: any Channel
    let options: WireClientOptions
    private let closeBox: CloseBox

    private init(
        nodeID: String, version: UInt8, lastStoredSequence: UInt64, inbound: AsyncStream<WireMessage>, channel: any Channel,
        options: WireClientOptions, closeBox: CloseBox
    ) {
        self.nodeID = nodeID
        self.version = version
        self.lastStoredSequence = lastStoredSequence
        self.inbound = inbound
        self.channel = channel
        self.options = options
        self.closeBox = closeBox
    }

    /// Why the session ended, once it has: the collector's close frame or the client's own diagnosis.
    public var closeReason: WireMessage.CloseReason? { closeBox.reason }

    public var isActive: Bool { channel.isActive }

    public static func connect(
        host: String, port: Int, nodeID: String, key: NodeKey, agentVersion: String,
        options: WireClientOptions = WireClientOptions(), group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws(WireClientError) -> WireSession {
        let closeBox = CloseBox()
        let limits = options.limits
        let loop = group.next()
        let promise = loop.makePromise(of: (version: UInt8, lastStored: UInt64).self)
        let plan = ClientInboundHandler.HandshakePlan(
            nodeID: nodeID, key: key, agentVersion: agentVersion, timeout: TimeAmount(options.handshakeTimeout), promise: promise)
        let tlsContext = try options.tls?.makeContext()
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(TimeAmount(options.connectTimeout))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls = options.tls, let tlsContext {
                            try channel.pipeline.syncOperations.addHandler(tls.makeHandler(context: tlsContext, host: host))
                        }
                        try channel.pipeline.syncOperations.addHandlers([
                            ByteToMessageHandler(WireMessageDecoder(limits: limits)),
                            ClientEncoder(limits: limits),
                            ClientInboundHandler(closeBox: closeBox, plan: plan),
                        ])
                    }
                }
                .connect(host: host, port: port).get()
        } catch {
            promise.fail(error)
            throw WireClientError(.cannotConnect("\(host):\(port): \(error)"))
        }
        do {
            return try await session(channel: channel, nodeID: nodeID, promise: promise, options: options, closeBox: closeBox)
        } catch {
            try? await channel.close()
            throw error
        }
    }

    /// Waits for the handshake that `ClientInboundHandler` runs on the event loop, then opens the inbound stream.
    private static func session(
        channel: any Channel, nodeID: String, promise: EventLoopPromise<(version: UInt8, lastStored: UInt64)>,
        options: WireClientOptions, closeBox: CloseBox
    ) async throws(WireClientError) -> WireSession {
        let agreed: (version: UInt8, lastStored: UInt64)
        do {
            agreed = try await promise.futureResult.get()
        } catch {
            if let error = error as? WireClientError {
                if case .closed = error.problem, let reason = closeBox.reason { throw WireClientError(.refused(reason.reason)) }
                throw error
            }
            throw WireClientError(.closed("\(error)"))
        }
        let (stream, continuation) = AsyncStream.makeStream(of: WireMessage.self, bufferingPolicy: .unbounded)
        let ping = options.pingInterval.map { TimeAmount($0) }
        do {
            try await channel.eventLoop.submit {
                let handler = try channel.pipeline.syncOperations.handler(type: ClientInboundHandler.self)
                handler.startSession(continuation: continuation, pingInterval: ping)
            }.get()
        } catch {
            throw WireClientError(.closed(closeBox.text ?? "\(error)"))
        }
        return WireSession(
            nodeID: nodeID, version: agreed.version, lastStoredSequence: agreed.lastStored, inbound: stream, channel: channel,
            options: options, closeBox: closeBox)
    }

    private static func write(_ channel: any Channel, _ outbound: ClientOutbound, _ options: WireClientOptions) async throws(WireClientError) {
        let promise = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(outbound, promise: promise)
        let timer = channel.eventLoop.scheduleTask(in: TimeAmount(options.sendTimeout)) {
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        do {
            try await promise.futureResult.get()
        } catch let error as WireError {
            throw WireClientError(.encoding("\(error)"))
        } catch {
            throw WireClientError(.closed("send failed: \(error)"))
        }
    }

    /// Sends one message; returns once the socket took it (so a slow collector slows the caller down).
    public func send(_ message: WireMessage) async throws(WireClientError) {
        try await Self.write(channel, .message(message), options)
    }

    /// Sends a frame whose body was encoded ahead of time (for example by `SampleBatchEncoder`).
    public func send(type: MessageType, body: ByteBuffer) async throws(WireClientError) {
        try await Self.write(channel, .frame(type: type, body: body), options)
    }

    /// Sends `close(code, reason)` and closes the connection.
    public func close(code: CloseCode = .normal, reason: String = "agent stopping") async {
        closeBox.set(code, reason)
        try? await Self.write(channel, .message(.close(.init(code: code, reason: reason))), options)
        try? await channel.close()
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue + attoseconds / 1_000_000_000)
    }
}
