/// What the agent does to GPU limits when it stops (SIGTERM, package removal).
///
/// `keepCaps` is the default: the last limits stay in force until the driver unloads or the node reboots
/// (NVML limits do not survive either), so a stopped agent never uncaps a node while it keeps running.
/// `restoreDefaults` writes each GPU's default limit (typically its maximum) — for decommissioning a node from
/// Greencap, when the operator wants the node back as it shipped; it uncaps the node on purpose.
public enum StopBehaviour: String, Sendable, Hashable, CaseIterable {
    case keepCaps = "keep-caps"
    case restoreDefaults = "restore-defaults"
}
