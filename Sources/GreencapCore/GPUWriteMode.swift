/// Whether the agent may change GPU power limits. Read by the config, obeyed by the NVML writer.
public enum GPUWriteMode: String, Sendable, CaseIterable {
    /// Sets power limits.
    case enforce
    /// Logs the limit it would set and sets nothing: for commissioning and for real GPUs under test.
    case dryRun = "dry-run"
    /// Refuses every write.
    case readOnly = "read-only"
}
