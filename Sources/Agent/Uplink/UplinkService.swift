import Controller
import GPU
import GreencapConfig
import GreencapCore
import Logging
import Modbus
import ServiceLifecycle
import Uplink
import Wire
import WireClient

#if canImport(Glibc)
import Glibc
#endif

/// The agent's link to the collector: every tick's readings become sample batches, every cap change an audit
/// event, all of it written to the on-disk spool first and sent from there, so nothing is lost while the
/// collector is away (docs/spool.md); policies pushed by the collector go to the control loop.
///
/// Delivery is at-least-once: a record leaves the spool only when the collector acknowledged the sequence
/// it was sent under, and the collector stores each (node, sequence) once.
public actor UplinkService: Service {
    private let settings: UplinkSettings
    private let node: NodeIdentity
    private let control: ControlSettings
    /// The node's description as of the last tick, and what the current connection was last told.
    private var info: NodeInfo
    private var sentInfo: NodeInfo?
    private let logger: Logger
    public let inbox: PolicyInbox
    private var batcher: TelemetryBatcher
    private var spool: Spool?
    private var catalogLoaded = false
    /// Series sent on the current connection (a new connection sends the whole dictionary again).
    private var sentSeries = 0
    private var lastProblem: String?
    private let files = DedicatedThread(name: "greencap-uplink")

    public init(settings: UplinkSettings, node: NodeIdentity, control: ControlSettings, logger: Logger) {
        self.settings = settings
        self.node = node
        self.control = control
        info = NodeInfo(node: node, control: control, gpus: [])
        let tick = control.tick
        self.logger = logger
        inbox = PolicyInbox()
        let ticks = Int(settings.batch.wholeMilliseconds / max(1, tick.wholeMilliseconds))
        batcher = TelemetryBatcher(ticksPerBatch: max(1, ticks), catalog: SeriesCatalog())
    }

    var catalogPath: String { settings.spoolDirectory + "/series.tsv" }

    // MARK: Producing

    /// One tick's readings. Cheap unless a batch is due; then one spool append.
    public func record(now: Int64, gpus: [GPU.GPUReading], modbus: [DeviceSnapshot]) async {
        guard catalogLoaded, let spool else { return }
        if !gpus.isEmpty { info = NodeInfo(node: node, control: control, gpus: gpus) }
        guard let batch = batcher.record(now: now, gpus: gpus, modbus: modbus) else { return }
        await persistNewSeries()
        do {
            let body = try SpooledBody.encode(.samples(batch))
            _ = try await spool.append(.samples, body, time: now)
        } catch {
            report("cannot spool a sample batch: \(error)")
        }
    }

    /// Cap changes, as audit events (kept longest of all when the spool is full).
    public func audit(_ records: [AuditRecord]) async {
        guard let spool, !records.isEmpty else { return }
        do {
            let body = try SpooledBody.encode(.events(EventBatch(sequence: 0, events: records.map { .audit(WireAuditRecord($0)) })))
            _ = try await spool.append(.audit, body, time: records[0].time)
        } catch {
            report("cannot spool audit records: \(error)")
        }
    }

    private func persistNewSeries() async {
        let fresh = batcher.catalog.takeNew()
        guard !fresh.isEmpty else { return }
        let lines = fresh.map(SeriesCatalog.line).joined(separator: "\n") + "\n"
        let path = catalogPath
        let failure: String? = await files.run {
            let fd = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
            guard fd >= 0 else { return String(cString: strerror(errno)) }
            defer { close(fd) }
            let bytes = Array(lines.utf8)
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            return written == bytes.count ? nil : String(cString: strerror(errno))
        }
        if let failure { report("cannot save the series catalog \(path): \(failure); series ids may change at restart") }
    }

    // MARK: Sending

    public func run() async throws {
        do {
            try await open()
        } catch {
            logger.error("uplink off: \(error)")
            try? await gracefulShutdown()
            return
        }
        var backoff = UplinkBackoff()
        var random = SystemRandomNumberGenerator()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { try await self.connectAndServe() }
                backoff.reset()
            } catch is CancellationError {
                break
            } catch {
                report("collector unreachable: \(error); retrying")
            }
            guard !Task.isShuttingDownGracefully else { break }
            // The wait ends at once on SIGTERM: a backoff grown to tens of seconds must not hold up the stop.
            let wait = backoff.next(using: &random)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
        }
        if let batch = batcher.flush(), let spool {
            _ = try? await spool.append(.samples, try SpooledBody.encode(.samples(batch)), time: Timestamp.nowMilliseconds())
        }
        try? await spool?.close()
        files.stop()
        logger.info("uplink stopped")
    }

    private func open() async throws {
        guard settings.collector.flatMap({ HostPort($0) }) != nil else { throw UplinkSetupError("no [uplink] collector") }
        let directory = settings.spoolDirectory
        let catalogPath = self.catalogPath
        let (text, badLine): (String, Int?) = await files.run {
            _ = mkdir(directory, 0o750)
            let text = (try? TextFile.read(path: catalogPath, limit: 64 << 20)) ?? ""
            return (text, SeriesCatalog.load(text).badLine)
        }
        let loaded = SeriesCatalog.load(text).catalog
        if let badLine { logger.error("series catalog damaged; later series get new ids", metadata: ["file": "\(catalogPath)", "line": "\(badLine)"]) }
        batcher = TelemetryBatcher(ticksPerBatch: batcher.ticksPerBatch, catalog: loaded)
        spool = try await Spool.open(
            SpoolConfiguration(directory: directory, capacityBytes: Int(settings.spoolLimitBytes), sync: .beforeSend), logger: logger)
        catalogLoaded = true
    }

    private func key() throws -> NodeKey {
        if let credential = settings.keyCredential {
            var environment: [String: String] = [:]
            if let directory = getenv("CREDENTIALS_DIRECTORY") { environment["CREDENTIALS_DIRECTORY"] = String(cString: directory) }
            return try NodeKey(credential: credential, environment: environment)
        }
        return try NodeKey(contentsOf: settings.keyFile)
    }

    /// One connection: handshake, the dictionary, then spooled records as they come, acks as they return.
    private func connectAndServe() async throws {
        guard let spool, let address = settings.collector.flatMap({ HostPort($0) }) else { return }
        var options = WireClientOptions()
        if settings.tls { options.tls = WireClientTLS(trustRootsFile: settings.tlsCA, serverName: settings.tlsServerName) }
        let session = try await WireSession.connect(
            host: address.host, port: address.port, nodeID: node.id, key: try key(), agentVersion: GreencapVersion.current,
            options: options, group: WireClientEventLoop.single)
        logger.notice("connected to the collector", metadata: ["collector": "\(address.host):\(address.port)", "tls": "\(settings.tls)"])
        lastProblem = nil
        if session.lastStoredSequence > 0 { try await spool.acknowledge(through: session.lastStoredSequence) }
        sentSeries = 0
        sentInfo = nil
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.receive(session) }
            group.addTask { try await self.send(session) }
            try await group.next()
            group.cancelAll()
        }
        await session.close()
    }

    private func send(_ session: WireSession) async throws {
        guard let spool else { return }
        var sentThrough: UInt64 = 0
        var lastLossCheck: ContinuousClock.Instant?
        let clock = ContinuousClock()
        while session.isActive {
            try await sendNewSeries(session)
            if info != sentInfo {
                try await session.send(.nodeInfo(info))
                sentInfo = info
            }
            // Losses happen only while the collector is away, so once a connection is up one look at the start
            // and one every half minute find them; the agent's CPU at 1 Hz is the budget here (≤ 0.1 % of a core).
            let lossDue = lastLossCheck.map { clock.now - $0 >= .seconds(30) } ?? true
            if lossDue { lastLossCheck = clock.now }
            if lossDue, let report = try await spool.lossReport() {
                let tally = report.samples
                let event = WireEvent.spoolLoss(
                    time: Timestamp.nowMilliseconds(), samplesThinned: tally.thinned + tally.dropped,
                    eventsDropped: report.events.dropped + report.audit.dropped)
                _ = try await spool.append(.events, try SpooledBody.encode(.events(EventBatch(sequence: 0, events: [event]))))
                try await spool.confirmLossReport(report.id)
                logger.warning(
                    "spool overflowed while the collector was away; the loss is reported to the collector",
                    metadata: ["samples_lost": "\(tally.thinned + tally.dropped)", "events_lost": "\(report.events.dropped + report.audit.dropped)"])
            }
            let records = try await spool.pending(after: sentThrough, limit: 64)
            for record in records {
                guard let body = SpooledBody.body(record.payload, sequence: record.sequence) else {
                    report("spooled record \(record.sequence) is not a batch body; skipped")
                    sentThrough = record.sequence
                    continue
                }
                try await session.send(type: record.recordClass == .samples ? .samples : .events, body: body)
                sentThrough = record.sequence
            }
            // Batches are spooled every `batch` (10 s) and audit records rarely: a second's latency costs nothing
            // and each look at the spool is a hop to its thread.
            if records.isEmpty { try await Task.sleep(for: .seconds(1)) }
        }
        throw UplinkSetupError("connection closed: \(session.closeReason.map { "\($0.reason)" } ?? "by the peer")")
    }

    private func sendNewSeries(_ session: WireSession) async throws {
        let definitions = batcher.catalog.definitions
        guard definitions.count > sentSeries else { return }
        try await session.send(.seriesDictionary(Array(definitions[sentSeries...])))
        sentSeries = definitions.count
    }

    private func receive(_ session: WireSession) async throws {
        for await message in session.inbound {
            switch message {
            case .ack(let sequence):
                try await spool?.acknowledge(through: sequence)
            case .policy(let policy):
                let problems = policy.problems(now: Timestamp.nowMilliseconds())
                if problems.isEmpty {
                    inbox.deliver(policy)
                    try await session.send(.policyAck(.applied(policyID: policy.id)))
                } else {
                    logger.error("policy from the collector refused", metadata: ["policy": "\(policy.id)", "problems": "\(problems)"])
                    try await session.send(.policyAck(.rejected(policyID: policy.id, reason: problems.joined(separator: "; "))))
                }
            case .close(let reason):
                throw UplinkSetupError("the collector closed the connection: \(reason.reason)")
            default:
                continue
            }
        }
        throw UplinkSetupError("connection closed: \(session.closeReason.map { "\($0.reason)" } ?? "by the peer")")
    }

    private func report(_ problem: String) {
        guard problem != lastProblem else { return }
        lastProblem = problem
        logger.warning("\(problem)")
    }
}

struct UplinkSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
