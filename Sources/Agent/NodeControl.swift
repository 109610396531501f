import Controller
import GPU
import GreencapConfig
import GreencapCore
import Logging

/// The power-cap controller in the agent: each tick it takes the GPU and PDU/UPS readings and the policy,
/// runs the node's control loop, writes the limits it decides through NVML, audits every change and times
/// how each GPU answers a write.
///
/// NVML calls go through `GPUService`'s thread and file I/O through `ControlFiles`'s, so this actor's
/// executor only ever does arithmetic.
public actor NodeControl {
    private let identity: NodeIdentity
    private let settings: ControlSettings
    private let logger: Logger
    private let files: ControlFiles
    /// Policies pushed by the collector (through the uplink); the newer of it and the policy file wins.
    private let inbox: PolicyInbox?
    /// Where audit records go besides the audit file: the uplink, to the collector.
    private let auditSink: (@Sendable ([AuditRecord]) async -> Void)?
    private var controller: NodeController
    private var tracker = LimitResponseTracker()
    private var previousTier: Int?
    /// The UPS flag is latched while its readings are stale: a UPS that stops answering on battery must not
    /// read as "back on mains".
    private var upsOnBattery = false
    private var controlled: [GPUIdentity] = []
    private var lastReadings: [Controller.GPUReading] = []
    private var lastWriteProblem: String?
    public private(set) var responses = LimitResponseSummary()

    public init(
        identity: NodeIdentity, settings: ControlSettings, writes: GPUWriteMode, logger: Logger, inbox: PolicyInbox? = nil,
        auditSink: (@Sendable ([AuditRecord]) async -> Void)? = nil
    ) throws(ControllerConfigError) {
        self.inbox = inbox
        self.auditSink = auditSink
        let config = try ControllerConfig(settings, writes: writes)
        self.identity = identity
        self.settings = settings
        self.logger = logger
        let controller = try NodeController(nodeID: identity.id, config: config, logger: logger)
        self.controller = controller
        files = ControlFiles(
            policyFile: settings.policyFile, auditFile: settings.auditFile, auditLimitBytes: settings.auditFileLimitBytes, logger: logger)
        logger.notice(
            "cap controller on",
            metadata: [
                "safe_cap": "\(config.safeCap.wholeWattsText)", "emergency_cap": "\(config.emergencyCap.wholeWattsText)",
                "dry_run": "\(config.dryRun)", "policy_file": "\(settings.policyFile ?? "none")",
                "raise_jitter_ms": "\(controller.jitterOffsetMilliseconds)",
            ])
    }

    /// One control tick; returns the status-line summary.
    public func tick(fleet: FleetReading?, gpus service: GPUService?, modbus: ModbusSampler?, now: Int64) async -> String {
        let filePolicy = await files.currentPolicy(now: now)
        let pushed = inbox?.current
        let policy = [filePolicy, pushed].compactMap { $0 }.max { $0.issuedAt < $1.issuedAt }
        let readings = gpuReadings(fleet)
        let pduPower = settings.pduDevice.flatMap { modbus?.nodePower(device: $0, now: now) }
        if let device = settings.upsDevice, let flag = modbus?.upsOnBattery(device: device, now: now) { upsOnBattery = flag }

        let facts = NodeFacts(
            identity: identity, safeCap: controller.config.safeCap,
            lowestEnforceable: Milliwatts(readings.reduce(0) { $0 + $1.minimumLimit.value } + controller.config.nonGPUEstimate.value))
        let target = (policy?.rules ?? CapRuleSet()).evaluate(
            for: facts, greenScore: policy?.greenScore ?? 0, siteBudgetShare: policy?.siteBudgetShare, now: now,
            previousTier: previousTier)
        previousTier = target.renewableTier
        let status = controller.step(
            NodeConditions(
                now: now, target: target, pduPower: pduPower, upsOnBattery: upsOnBattery, leaseExpiresAt: policy?.leaseExpiresAt,
                feedUpdatedAt: policy?.feedUpdatedAt),
            gpus: readings)
        for (index, reading) in readings.enumerated() {
            tracker.observed(gpu: index, enforcedLimit: reading.enforcedLimit, power: reading.power, now: now)
        }
        let changes = controller.changes
        if !changes.isEmpty {
            await apply(changes, service: service, policy: policy, now: now)
        }
        for response in tracker.drain() { record(response) }
        return summary(status, policy: policy, readings: readings, now: now)
    }

    /// The agent is stopping: with `on_stop = "restore-defaults"`, every GPU goes back to its default limit.
    public func stop(gpus service: GPUService?) async {
        let changes = controller.stopChanges(gpus: lastReadings)
        if !changes.isEmpty {
            logger.notice("agent stopping: restoring default GPU limits (on_stop = \"restore-defaults\")")
            await apply(changes, service: service, policy: nil, now: Timestamp.nowMilliseconds())
        }
        files.stop()
    }

    /// The GPUs the controller can drive: answering, with every limit known.
    private func gpuReadings(_ fleet: FleetReading?) -> [Controller.GPUReading] {
        var identities: [GPUIdentity] = []
        var readings: [Controller.GPUReading] = []
        for gpu in fleet?.gpus ?? [] {
            let limits = gpu.limits
            guard let power = gpu.powerInstant ?? gpu.powerAverage, let enforced = limits.enforced, let minimum = limits.minimum,
                let maximum = limits.maximum
            else { continue }
            identities.append(gpu.identity)
            readings.append(
                Controller.GPUReading(
                    power: power, enforcedLimit: enforced, minimumLimit: minimum, maximumLimit: maximum,
                    defaultLimit: limits.defaultLimit ?? maximum, pinned: gpu.clockEvents?.contains(.softwarePowerCap) ?? false))
        }
        if identities != controlled {
            if !controlled.isEmpty {
                logger.notice("controlled GPUs changed", metadata: ["before": "\(controlled.count)", "now": "\(identities.count)"])
            }
            controlled = identities
        }
        lastReadings = readings
        return readings
    }

    private func apply(_ changes: [Controller.LimitChange], service: GPUService?, policy: NodePolicy?, now: Int64) async {
        var lines: [String] = []
        var records: [AuditRecord] = []
        for change in changes {
            let uuid = change.gpu < controlled.count ? controlled[change.gpu].uuid : nil
            if !change.dryRun, let service, let uuid {
                let started = Timestamp.nowMilliseconds()
                do {
                    let result = try await service.setPowerLimit(gpu: uuid, to: change.new)
                    tracker.wrote(
                        gpu: change.gpu, old: change.old, new: change.new, writtenAt: started,
                        readBack: result.enforced.map { ($0, Timestamp.nowMilliseconds()) })
                    lastWriteProblem = nil
                } catch {
                    // The controller re-applies on its next read-back (drift), so a failed write is retried.
                    let problem = "\(error)"
                    if problem != lastWriteProblem {
                        logger.error("GPU power-limit write failed", metadata: ["gpu": "\(change.gpu)", "uuid": "\(uuid)", "error": "\(problem)"])
                    }
                    lastWriteProblem = problem
                    continue
                }
            }
            let record = AuditRecord(change: change, node: identity.id, time: now, leaseExpiresAt: policy?.leaseExpiresAt)
            lines.append(AuditFile.line(record, gpuUUID: uuid, policyID: policy?.id))
            records.append(record)
        }
        logChanges(changes)
        await files.append(lines)
        await auditSink?(records)
    }

    /// One line per tick: "8 GPUs 700 W → 637 W: renewable policy 're' tier 2 at green score 0.90".
    private func logChanges(_ changes: [Controller.LimitChange]) {
        guard let first = changes.first else { return }
        let uniform = changes.allSatisfy { $0.old == first.old && $0.new == first.new && $0.cause == first.cause }
        let what = uniform
            ? "\(changes.count == 1 ? "GPU \(first.gpu)" : "\(changes.count) GPUs") \(first.old.wholeWattsText) → \(first.new.wholeWattsText)"
            : changes.map { "GPU \($0.gpu) \($0.old.wholeWattsText) → \($0.new.wholeWattsText)" }.joined(separator: ", ")
        let level: Logger.Level = first.cause == .demand || first.cause == .closedLoop ? .info : .notice
        logger.log(
            level: level, "\(first.dryRun ? "dry-run, not set: " : "")\(what): \(first.cause)",
            metadata: ["cause": "\(first.cause.code)"])
    }

    private func record(_ response: LimitResponse) {
        responses.add(response)
        logger.debug(
            "GPU limit response",
            metadata: [
                "gpu": "\(response.gpu)", "from": "\(response.old.wholeWattsText)", "to": "\(response.new.wholeWattsText)",
                "enforce_ms": "\(response.enforceMilliseconds ?? -1)", "settle_ms": "\(response.settleMilliseconds ?? -1)",
            ])
    }

    private func summary(_ status: NodeTickStatus, policy: NodePolicy?, readings: [Controller.GPUReading], now: Int64) -> String {
        var text = "cap \(status.effectiveCap.wholeWattsText)"
        if status.requestedCap != status.effectiveCap { text += "→\(status.requestedCap.wholeWattsText)" }
        text += " (\(Self.shortCause(status.cause)))"
        text += " · node \(status.measuredPower.wholeWattsText)"
        if status.alerts.contains(.upsEmergency) { text += " · UPS EMERGENCY" }
        if status.alerts.contains(.pduImplausible) { text += " · PDU implausible" }
        if status.alerts.contains(.gpuIgnoringLimit) { text += " · GPU ignores limit" }
        if let policy {
            let left = (policy.leaseExpiresAt - now) / 1000
            text += left > 0 ? " · lease \(left)s" : " · lease EXPIRED"
        }
        if controller.config.dryRun { text += " · DRY-RUN" }
        return text
    }

    static func shortCause(_ cause: TargetCause) -> String {
        switch cause {
        case .hardCap(let id, let scope, _, _): "hard cap \(id) on \(scope)"
        case .circuit(let id, _, _): "circuit \(id)"
        case .renewable(_, let tier, let score): "green \(Int((score * 100).rounded()))% tier \(tier)"
        case .siteBudget(_, let score): "site budget, green \(Int((score * 100).rounded()))%"
        case .noPolicy: "SAFE: no policy"
        case .rejectedRule(let id): "SAFE: rule \(id) rejected"
        case .leaseExpired: "SAFE: lease expired"
        case .feedStale: "SAFE: feed stale"
        case .upsOnBattery: "EMERGENCY: UPS on battery"
        }
    }
}

/// Write-to-enforce and write-to-settle times, summed over the agent's life (issue 7 part 6).
public struct LimitResponseSummary: Sendable {
    public private(set) var count = 0
    public private(set) var enforceMaxMilliseconds: Int64 = 0
    public private(set) var settleMaxMilliseconds: Int64 = 0
    public private(set) var enforceSumMilliseconds: Int64 = 0
    public private(set) var settleSumMilliseconds: Int64 = 0
    public private(set) var lowerings = 0

    mutating func add(_ response: LimitResponse) {
        count += 1
        let enforce = response.enforceMilliseconds ?? 0
        enforceSumMilliseconds += enforce
        enforceMaxMilliseconds = max(enforceMaxMilliseconds, enforce)
        if response.new < response.old, let settle = response.settleMilliseconds {
            lowerings += 1
            settleSumMilliseconds += settle
            settleMaxMilliseconds = max(settleMaxMilliseconds, settle)
        }
    }
}
