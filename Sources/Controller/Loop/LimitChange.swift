import GreencapCore

/// Why a GPU limit changed.
public enum ChangeCause: Sendable, Hashable, CustomStringConvertible {
    /// The node target moved (a rule, the green score, a safety fallback).
    case target(TargetCause)
    /// Measured node power stayed above target and the correction tightened (or relaxed) the GPU budget.
    case closedLoop
    /// Power moved between GPUs by demand within the same node budget.
    case demand
    /// The enforced limit read back differs from the one set (drift, GPU reset): re-applied.
    case drift
    /// The GPU draws above its limit: held at its minimum, the others tightened.
    case gpuIgnoringLimit
    /// The agent stopped with `StopBehaviour.restoreDefaults`.
    case agentStop

    /// The person behind the change, when a person caused it.
    public var author: String? {
        if case .target(let cause) = self { return cause.author }
        return nil
    }

    /// A stable machine name: the target cause's code, or "closed-loop", "demand", "drift", "gpu-ignoring-limit",
    /// "agent-stop".
    public var code: String {
        switch self {
        case .target(let cause): cause.code
        case .closedLoop: "closed-loop"
        case .demand: "demand"
        case .drift: "drift"
        case .gpuIgnoringLimit: "gpu-ignoring-limit"
        case .agentStop: "agent-stop"
        }
    }

    public var description: String {
        switch self {
        case .target(let cause): cause.description
        case .closedLoop: "closed-loop correction"
        case .demand: "redistribution by demand"
        case .drift: "read-back drift, re-applied"
        case .gpuIgnoringLimit: "GPU ignores its limit"
        case .agentStop: "agent stopped: default restored"
        }
    }
}

/// One GPU limit to write (or, in dry-run, that would have been written).
public struct LimitChange: Sendable, Hashable, CustomStringConvertible {
    public var gpu: Int
    public var old: Milliwatts
    public var new: Milliwatts
    public var cause: ChangeCause
    /// True: computed and audited, not to be written.
    public var dryRun: Bool

    public init(gpu: Int, old: Milliwatts, new: Milliwatts, cause: ChangeCause, dryRun: Bool) {
        self.gpu = gpu
        self.old = old
        self.new = new
        self.cause = cause
        self.dryRun = dryRun
    }

    public var description: String {
        "GPU \(gpu): \(old.wholeWattsText) → \(new.wholeWattsText) (\(cause))\(dryRun ? " [dry-run]" : "")"
    }
}
