import ArgumentParser

/// `greencap gpu`: commissioning tools for a node's GPUs, like a focused nvidia-smi. They work without
/// the collector and never change a GPU setting.
struct GPUCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gpu",
        abstract: "List and read this node's GPUs through NVML (read-only).",
        discussion: """
            The NVML library is, first match wins: --nvml-library, $GREENCAP_NVML_LIBRARY, [gpu] nvml_library \
            in the agent config (--agent-config, default /etc/greencap/agent.toml when it exists), \
            libnvidia-ml.so.1. Point it at libgreencap-nvml-sim.so to use the simulator.
            """,
        subcommands: [GPUListCommand.self, GPUReadCommand.self, GPUProbeCommand.self])
}
