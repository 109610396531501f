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
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(TimeAmount(options.connectTimeout))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers([
                            ByteToMessageHandler(WireMessageDecoder(limits: limits)),
                            ClientEncoder(limits: limits),
                            ClientInboundHandler(closeBox: closeBox),
                        ])
                    }
                }
                .connect(host: host, port: port).get()
        } catch {
            throw WireClientError(.cannotConnect("\(host):\(port): \(error)"))
        }
        do {
            return try await handshake(
                channel: channel, nodeID: nodeID, key: key, agentVersion: agentVersion, options: options, closeBox: closeBox)
        } catch {
            try? await channel.close()
            throw error
        }
    }

    private static func handshake(
        channel: any Channel, nodeID: String, key: NodeKey, agentVersion: String, options: WireClientOptions, closeBox: CloseBox
    ) async throws(WireClientError) -> WireSession {
        let clientNonce = AuthNonce.random()
        let timeout = TimeAmount(options.handshakeTimeout)
        try await write(channel, .message(.hello(.init(nodeID: nodeID, agentVersion: agentVersion, clientNonce: clientNonce))), options)
        let challenge: WireMessage.Challenge
        switch try await next(channel, timeout: timeout, closeBox: closeBox) {
        case .challenge(let value): challenge = value
        case .close(let reason): throw WireClientError(.refused("close \(reason.code.rawValue): \(reason.reason)"))
        case let other: throw WireClientError(.protocolViolation("expected challenge, got \(other.type)"))
        }
        let transcript = AuthTranscript(
            nodeID: nodeID, clientNonce: clientNonce, serverNonce: challenge.serverNonce, version: challenge.version)
        try await write(channel, .message(.authResponse(transcript.proof(for: .agent, key: key))), options)
        let last: UInt64
        switch try await next(channel, timeout: timeout, closeBox: closeBox) {
        case .authResult(.accepted(let proof, let lastStored)):
            guard transcript.verify(proof, from: .collector, key: key) else { throw WireClientError(.collectorNotAuthenticated) }
            last = lastStored
        case .authResult(.refused(let reason)): throw WireClientError(.refused(reason))
        case .close(let reason): throw WireClientError(.refused("close \(reason.code.rawValue): \(reason.reason)"))
        case let other: throw WireClientError(.protocolViolation("expected auth-result, got \(other.type)"))
        }
        let (stream, continuation) = AsyncStream.makeStream(of: WireMessage.self, bufferingPolicy: .unbounded)
        let ping = options.pingInterval.map { TimeAmount($0) }
        do {
            try await channel.eventLoop.submit {
                let handler = try channel.pipeline.syncOperations.handler(type: ClientInboundHandler.self)
                handler.startSession(continuation: continuation, pingInterval: ping)
            }.get()
        } catch {
            throw WireClientError(.closed("\(error)"))
        }
        return WireSession(
            nodeID: nodeID, version: challenge.version, lastStoredSequence: last, inbound: stream, channel: channel,
            options: options, closeBox: closeBox)
    }

    private static func next(_ channel: any Channel, timeout: TimeAmount, closeBox: CloseBox) async throws(WireClientError) -> WireMessage {
        do {
            return try await channel.eventLoop.flatSubmit {
                do {
                    let handler = try channel.pipeline.syncOperations.handler(type: ClientInboundHandler.self)
                    return handler.next(timeout: timeout, eventLoop: channel.eventLoop)
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }.get()
        } catch {
            // The pipeline is gone when the collector refused and closed before we asked: say why.
            if let reason = closeBox.reason {
                throw WireClientError(reason.code == .authenticationFailed ? .refused(reason.reason) : .closed(reason.reason))
            }
            if let error = error as? WireClientError { throw error }
            throw WireClientError(.closed("\(error)"))
        }
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
