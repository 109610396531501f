import GreencapCore

/// `[control]` in agent.toml: the control loop's period and the power-cap controller's settings. The
/// controller itself (target `Controller`) validates the combination; this reads and range-checks the keys.
public struct ControlSettings: Sendable, Equatable {
    /// What the agent does when stopped (`systemctl stop`): see docs/controller.md "On agent stop".
    public enum OnStop: String, Sendable, CaseIterable {
        /// Leave the GPU limits as they are: a stop never uncaps (the default).
        case keepCaps = "keep-caps"
        /// Put every GPU back to its default limit: for decommissioning a node.
        case restoreDefaults = "restore-defaults"
    }

    /// Period of the control loop: the agent samples and enforces every tick.
    public var tick: Duration = .seconds(1)
    /// Run the cap controller. Default: on when `safe_cap` is set, so a file that names no safe cap gets an
    /// agent that samples and never touches a limit, rather than one that caps to a guessed value.
    public var enabled = false
    /// Where the node goes when the policy lease has expired, the feed is stale or no policy ever came.
    /// Required when the controller is enabled: no default could be right for every node.
    public var safeCap: Milliwatts?
    /// Where the node goes in the same tick when its UPS runs on battery; default: 60 % of the safe cap.
    public var emergencyCap: Milliwatts?
    public var nonGPUEstimate: Milliwatts = .watts(900)
    public var pduImplausibleAbove: Milliwatts?
    public var raiseRate: Milliwatts = .watts(1000)
    public var raiseJitter: Duration = .seconds(10)
    public var mainsStableHold: Duration = .seconds(60)
    public var feedStaleAfter: Duration = .seconds(2 * 3600)
    public var onStop: OnStop = .keepCaps
    /// The policy the node follows when it has none from the collector: a JSON document (docs/controller.md
    /// "Policy file") written by configuration management, `greencap demo`, or a test.
    public var policyFile: String?
    /// Where cap-change audit records are appended (JSON lines), so they survive a restart.
    public var auditFile: String = "/var/lib/greencap/audit.jsonl"
    /// Rotate the audit file past this size (one previous generation is kept).
    public var auditFileLimitBytes: Int64 = 16 << 20
    /// The Modbus device (a `[[modbus.bus.device]]` name) whose outlets measure this node; none: the GPUs'
    /// sum plus `non_gpu_estimate`.
    public var pduDevice: String?
    /// The Modbus device whose on-battery flag triggers the emergency cap.
    public var upsDevice: String?
    /// Source lines of `pdu` and `ups`, for errors found once the Modbus devices are known.
    public var pduLine: Int?
    public var upsLine: Int?

    public static let tickRange: ClosedRange<Duration> = .milliseconds(100) ... .seconds(10)
    public static let capRange: ClosedRange<Milliwatts> = .watts(50) ... .watts(200_000)

    public init() {}

    static func read(_ table: TableReader) -> ControlSettings {
        var settings = ControlSettings()
        if let tick = table.duration("tick", in: tickRange) { settings.tick = tick }
        let enabled = table.boolean("enabled")
        settings.safeCap = table.power("safe_cap", in: capRange)
        settings.enabled = enabled ?? (table.table.entry("safe_cap") != nil)
        settings.emergencyCap = table.power("emergency_cap", in: capRange)
        if let value = table.power("non_gpu_estimate", in: .watts(0) ... .watts(50_000)) { settings.nonGPUEstimate = value }
        settings.pduImplausibleAbove = table.power("pdu_implausible_above", in: capRange)
        if let value = table.power("raise_rate", in: .watts(1) ... .watts(1_000_000)) { settings.raiseRate = value }
        if let value = table.duration("raise_jitter", in: .zero ... .seconds(600)) { settings.raiseJitter = value }
        if let value = table.duration("mains_stable_hold", in: .zero ... .seconds(3600)) { settings.mainsStableHold = value }
        if let value = table.duration("feed_stale_after", in: .seconds(1) ... .seconds(7 * 86400)) { settings.feedStaleAfter = value }
        if let value = table.choice("on_stop", from: OnStop.allCases.map(\.rawValue)).flatMap(OnStop.init(rawValue:)) {
            settings.onStop = value
        }
        if let path = table.string("policy_file", expected: "a path to a policy JSON file") {
            if path.isEmpty { table.invalid("policy_file", "expected a path, found an empty string") } else { settings.policyFile = path }
        }
        if let path = table.string("audit_file", expected: "a path to the audit log (JSON lines)") {
            if path.isEmpty { table.invalid("audit_file", "expected a path, found an empty string") } else { settings.auditFile = path }
        }
        if let mebibytes = table.integer("audit_file_limit_mib", in: 1...4096, unit: "MiB") {
            settings.auditFileLimitBytes = mebibytes << 20
        }
        settings.pduDevice = table.name("pdu")
        settings.upsDevice = table.name("ups")
        settings.pduLine = table.table.entry("pdu")?.value.line
        settings.upsLine = table.table.entry("ups")?.value.line
        if enabled == true, table.table.entry("safe_cap") == nil {
            table.missing("safe_cap", "the node's safe cap, e.g. \"5600 W\" (where a failure leaves the node; see docs/controller.md)")
        }
        if let safe = settings.safeCap, let emergency = settings.emergencyCap, emergency > safe {
            table.invalid("emergency_cap", "must be at most safe_cap (\(safe.wholeWattsText)), found \(emergency.wholeWattsText)")
        }
        table.finish()
        return settings
    }

    /// The emergency cap in force: the configured one, else 60 % of the safe cap.
    public var effectiveEmergencyCap: Milliwatts? {
        emergencyCap ?? safeCap.map { Milliwatts($0.value * 6 / 10) }
    }
}
