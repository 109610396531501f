import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import UnixSignals
import Wire

/// The collector's ingest listener (docs/collector.md): a SwiftNIO TCP server, one `IngestConnectionHandler`
/// per agent, one `IngestWriter` behind them all.
///
/// Graceful shutdown: stop accepting, stop reading from every connection, let the writer commit what is
/// queued (so those batches are acked), then close each connection with `close(5, shutting down)`.
public final class IngestServer: Service, Sendable {
    public struct Settings: Sendable {
        public var host: String
        public var port: Int
        public var handshakeTimeout: Duration
        public var pingInterval: Duration
        public var maxInFlightBatches: Int
        public var maxConnections: Int
        public var policyEvery: Duration
        public var limits: WireLimits

        public init(
            host: String, port: Int, handshakeTimeout: Duration = .seconds(10), pingInterval: Duration = .seconds(10),
            maxInFlightBatches: Int = 32, maxConnections: Int = 10_000, policyEvery: Duration = .seconds(30),
            limits: WireLimits = .standard
        ) {
            self.host = host
            self.port = port
            self.handshakeTimeout = handshakeTimeout
            self.pingInterval = pingInterval
            self.maxInFlightBatches = maxInFlightBatches
            self.maxConnections = maxConnections
            self.policyEvery = policyEvery
            self.limits = limits
        }
    }

    let settings: Settings
    let keyring: NodeKeyring
    let writer: IngestWriter
    let store: any TelemetryStore
    let policy: any PolicyProvider
    let registry = ConnectionRegistry()
    let logger: Logger
    let group: any EventLoopGroup
    private let handlers = Mutex<[UInt64: (any EventLoop, NIOLoopBound<IngestConnectionHandler>)]>([:])
    private let openConnections = Atomic<Int>(0)
    private let boundPort = Mutex<Int?>(nil)
    /// Re-read the keys directory on SIGHUP (DaemonRunner already set SIGHUP to be ignored, so trapping it
    /// here in `run` is safe).
    private let reloadOnSIGHUP: Bool
    private let metrics: CollectorMetrics?
    /// TLS on every connection when `[ingest] tls_certificate` is set.
    private let tls: IngestTLS?

    public init(
        settings: Settings, keyring: NodeKeyring, writer: IngestWriter, store: any TelemetryStore,
        policy: any PolicyProvider = NoPolicyProvider(), logger: Logger,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, reloadOnSIGHUP: Bool = true,
        metrics: CollectorMetrics? = nil, tls: IngestTLS? = nil
    ) {
        self.metrics = metrics
        self.tls = tls
        self.settings = settings
        self.keyring = keyring
        self.writer = writer
        self.store = store
        self.policy = policy
        self.logger = logger
        self.group = group
        self.reloadOnSIGHUP = reloadOnSIGHUP
    }

    /// The port actually bound (useful with port 0).
    public var port: Int? { boundPort.withLock { $0 } }

    /// The policy source says something changed: every connection asks it again.
    public func policyChanged() { registry.refreshAll() }

    public func run() async throws {
        let (loaded, problems) = keyring.reload()
        for problem in problems { logger.warning("ingest: node key refused: \(problem)") }
        logger.info("ingest: node keys loaded", metadata: ["keys": "\(loaded)", "dir": "\(keyring.directory)"])

        let shared = IngestContext(
            keyring: keyring, registry: registry, writer: writer, store: store, policy: policy,
            handshakeTimeout: .nanoseconds(Int64(settings.handshakeTimeout.nanosecondsClamped)),
            idleTimeout: .nanoseconds(Int64(settings.pingInterval.nanosecondsClamped) * 3),
            policyEvery: .nanoseconds(Int64(settings.policyEvery.nanosecondsClamped)),
            maxInFlight: settings.maxInFlightBatches, logger: logger, metrics: metrics)
        let limits = settings.limits
        let maxConnections = settings.maxConnections
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                let id = registry.newConnectionID()
                guard openConnections.wrappingAdd(1, ordering: .relaxed).newValue <= maxConnections else {
                    openConnections.wrappingSubtract(1, ordering: .relaxed)
                    logger.warning("ingest refused: too many connections", metadata: ["peer": "\(channel.remoteAddress.map { "\($0)" } ?? "?")"])
                    return channel.close()
                }
                channel.closeFuture.whenComplete { [self] _ in
                    openConnections.wrappingSubtract(1, ordering: .relaxed)
                    _ = handlers.withLock { $0.removeValue(forKey: id) }
                }
                return channel.eventLoop.makeCompletedFuture {
                    let handler = IngestConnectionHandler(shared: shared, connectionID: id, eventLoop: channel.eventLoop)
                    if let tls { try channel.pipeline.syncOperations.addHandler(tls.makeHandler()) }
                    if let metrics { try channel.pipeline.syncOperations.addHandler(IngestByteCounter(metrics: metrics)) }
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(WireMessageDecoder(limits: limits)),
                        MessageToByteHandler(WireMessageEncoder(limits: limits)),
                        handler,
                    ])
                    handlers.withLock { $0[id] = (channel.eventLoop, NIOLoopBound(handler, eventLoop: channel.eventLoop)) }
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: settings.host, port: settings.port).get()
        } catch {
            throw IngestServerError.cannotListen(host: settings.host, port: settings.port, reason: "\(error)")
        }
        let port = channel.localAddress?.port ?? settings.port
        boundPort.withLock { $0 = port }
        logger.notice(
            "ingest listening", metadata: ["host": "\(settings.host)", "port": "\(port)", "tls": "\(tls.map { $0.certificatePath } ?? "off")"])

        let reloadSignals = reloadOnSIGHUP ? await UnixSignalsSequence(trapping: .sighup) : nil
        await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await self.writer.run() }
            if let reloadSignals {
                tasks.addTask {
                    for await _ in reloadSignals.cancelOnGracefulShutdown() {
                        let (loaded, problems) = self.keyring.reload()
                        for problem in problems { self.logger.warning("ingest: node key refused: \(problem)") }
                        self.logger.notice("ingest: node keys reloaded", metadata: ["keys": "\(loaded)"])
                        do {
                            try self.tls?.reload()
                        } catch {
                            self.logger.error("ingest: TLS certificate not reloaded; the one in use stays", metadata: ["problem": "\(error)"])
                        }
                    }
                }
            }
            try? await ServiceLifecycle.gracefulShutdown()
            await drain(listener: channel)
        }
        logger.info("ingest stopped", metadata: ["transactions": "\(writer.statistics.transactions)", "batches": "\(writer.statistics.batches)"])
    }

    /// Stop accepting, stop reading, let queued batches commit and be acked, then close every connection.
    private func drain(listener: any Channel) async {
        logger.info("ingest draining", metadata: ["connections": "\(openConnections.load(ordering: .relaxed))"])
        try? await listener.close()
        let all = handlers.withLock { Array($0.values) }
        for (loop, handler) in all { loop.execute { handler.value.stopReading() } }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        while !writer.isIdle() && clock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
        // Acks were queued on each loop before this, so each connection sends its acks, then the close.
        var closes: [EventLoopFuture<Void>] = []
        for (loop, handler) in all { closes.append(loop.submit { handler.value.closeForShutdown() }) }
        for close in closes { try? await close.get() }
        writer.close()
    }
}

public enum IngestServerError: Error, CustomStringConvertible {
    case cannotListen(host: String, port: Int, reason: String)

    public var description: String {
        switch self {
        case .cannotListen(let host, let port, let reason):
            "ingest cannot listen on \(host):\(port): \(reason) (is another collector running, or is [ingest] listen wrong?)"
        }
    }
}

extension Duration {
    var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue + attoseconds / 1_000_000_000
    }
}
