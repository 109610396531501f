import Controller
import GreencapConfig
import GreencapCore
import Logging
import Synchronization

/// What the collector grants each node: the cap rules from `[policy] rules_file`, at the current green score,
/// under a lease of `[policy] lease`. The agent evaluates the rules itself (the same `CapRuleSet.evaluate`);
/// the planner evaluates them too, to explain a node's target and to refuse rules that contradict.
public final class PolicyPlanner: Sendable {
    public let settings: PolicySettings
    public let score: CurrentGreenScore
    private let logger: Logger
    private let state = Mutex<State>(State())

    private struct State {
        var rules: CapRuleSet?
        /// Bumped on every rules change; part of the policy id, so an id says which rules it carried.
        var version = 0
        var lastProblem: String?
        /// The rules file when last looked at; nil before the first look.
        var signature: FileSignature?
        /// Caps set through the API (SQLite), merged into every grant as hard caps and circuit rules.
        var apiCaps: [APICap] = []
        /// Told when the API caps change, so the ingest server pushes at once instead of at the next renewal.
        var onChange: (@Sendable () -> Void)?
        /// The nodes the collector knows and where they are: what scope totals are divided by.
        var layout = FleetLayout(nodes: [])

        var hasScopeTotals: Bool {
            let scoped = (rules?.hardCaps ?? []) + apiCaps.compactMap { $0.hardCap() }
            return scoped.contains { if case .scopeTotal = $0.amount { true } else { false } }
        }
    }

    public init(settings: PolicySettings, score: CurrentGreenScore, logger: Logger) {
        self.settings = settings
        self.score = score
        self.logger = logger
    }

    /// (Re)reads the rules file: at start and on SIGHUP. A file that cannot be used leaves the rules in force
    /// as they were (nodes keep their last grants, which lapse to safe caps if nothing is fixed in time).
    @discardableResult
    public func reloadRules(now: Int64 = Timestamp.nowMilliseconds()) -> Bool {
        guard let path = settings.rulesFile else { return false }
        let rules: CapRuleSet
        do {
            rules = try RulesDocument.decode(try TextFile.readBytes(path, limit: 4 << 20))
        } catch let error as PolicyDocumentError {
            return report("\(path): invalid at \(error)")
        } catch {
            return report("\(error)")
        }
        let rejections = rules.validateForSubmission(now: now)
        for rejection in rejections {
            logger.error("cap rule refused; nodes it applies to are held at their safe cap", metadata: ["rule": "\(rejection)"])
        }
        let changed = state.withLock { state in
            state.lastProblem = nil
            guard state.rules != rules else { return false }
            state.rules = rules
            state.version += 1
            return true
        }
        if changed {
            logger.notice(
                "cap rules loaded",
                metadata: [
                    "file": "\(path)", "hard_caps": "\(rules.hardCaps.count)", "circuits": "\(rules.circuits.count)",
                    "renewable": "\(rules.renewable?.id ?? "none")", "refused": "\(rejections.count)",
                ])
        }
        return changed
    }

    /// Reads the rules file again if it changed since the last read (size, mtime or inode): called once a
    /// second by the collector loop, so an edited file is in force within a second and within one push.
    @discardableResult
    public func reloadIfChanged(now: Int64 = Timestamp.nowMilliseconds()) -> Bool {
        guard let path = settings.rulesFile else { return false }
        let signature = FileSignature.of(path)
        let changed = state.withLock { state in
            defer { state.signature = signature }
            return state.signature != signature
        }
        return changed ? reloadRules(now: now) : false
    }

    /// The rules file's rules in force (nil before a usable file); the cap API checks circuit names against it.
    public var fileRules: CapRuleSet? { state.withLock { $0.rules } }

    /// The API caps in force now (from the store at start, then after every set, clear and expiry).
    public var apiCaps: [APICap] { state.withLock { $0.apiCaps } }

    /// Replaces the API caps in force; a change makes a new rules version and asks for an immediate push.
    public func setAPICaps(_ caps: [APICap]) {
        let handler: (@Sendable () -> Void)? = state.withLock { state in
            guard state.apiCaps != caps else { return nil }
            state.apiCaps = caps
            state.version += 1
            return state.onChange
        }
        handler?()
    }

    /// The nodes known now (the collector loop reads them from the store every second). A change that moves
    /// a scope total's shares makes a new rules version and pushes it, so a node that joins a capped rack
    /// lowers its neighbours' shares at once.
    public func setLayout(_ layout: FleetLayout) {
        let handler: (@Sendable () -> Void)? = state.withLock { state in
            guard state.layout != layout else { return nil }
            state.layout = layout
            guard state.hasScopeTotals else { return nil }
            state.version += 1
            return state.onChange
        }
        handler?()
    }

    public var layout: FleetLayout { state.withLock { $0.layout } }

    /// Called after the API caps change (the collector passes the ingest server's `policyChanged`).
    public func onChange(_ handler: @escaping @Sendable () -> Void) { state.withLock { $0.onChange = handler } }

    /// The grant for one node now; nil when neither a rules file nor an API cap is in force (the node stays
    /// at its safe cap, or follows its own policy file).
    public func policy(for node: String, now: Int64 = Timestamp.nowMilliseconds()) -> NodePolicy? {
        let (fileRules, apiCaps, version, layout) = state.withLock { ($0.rules, $0.apiCaps, $0.version, $0.layout) }
        guard fileRules != nil || !apiCaps.isEmpty else { return nil }
        var rules = fileRules ?? CapRuleSet()
        rules.hardCaps += apiCaps.compactMap { $0.hardCap() }
        // A policy carries no layout, and an agent refuses a scope total it cannot divide: divide them here.
        // A node whose placement is not stored yet (its first grant comes before its node-info) gets them
        // undivided, so it holds its safe cap until the layout has it and the next push divides them.
        if let identity = layout.identity(of: node) {
            rules.hardCaps = rules.hardCaps.map { $0.dividedPerNode(for: identity, layout: layout) }
        }
        rules.circuits += apiCaps.compactMap { $0.circuitRule() }
        let green = score.current
        let scoreValue = green?.score ?? 0
        return NodePolicy(
            // Unique per grant, so a renewal is a new policy to send and acknowledge.
            id: "r\(version)-s\(Int((scoreValue * 1000).rounded()))-t\(now / 1000)", issuedAt: now,
            leaseExpiresAt: now + settings.lease.wholeMilliseconds, rules: rules, greenScore: scoreValue,
            feedUpdatedAt: green?.updatedAt)
    }

    private func report(_ problem: String) -> Bool {
        let repeated = state.withLock { state in
            defer { state.lastProblem = problem }
            return state.lastProblem == problem
        }
        if !repeated { logger.error("cap rules not loaded; the rules in force stay", metadata: ["problem": "\(problem)"]) }
        return false
    }
}

extension PolicyPlanner: PolicyProvider {
    /// The ingest server asks after a node authenticates and every `[ingest] policy_every`; each answer is a
    /// new grant (its id carries the issue time), so each is sent and renews the lease.
    public func policy(for node: String) async -> NodePolicy? { policy(for: node, now: Timestamp.nowMilliseconds()) }
}
