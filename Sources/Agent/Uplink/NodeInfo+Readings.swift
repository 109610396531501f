import GPU
import GreencapConfig
import GreencapCore
import Wire

extension NodeInfo {
    /// The node as the collector should see it now: placement from `[node]`, the power range from the GPUs
    /// whose limits are known (the same GPUs the controller drives) plus the configured non-GPU load.
    init(node: NodeIdentity, control: ControlSettings, gpus: [GPU.GPUReading]) {
        var minimum: Int64 = 0
        var maximum: Int64 = 0
        var count = 0
        for gpu in gpus {
            guard let low = gpu.limits.minimum, let high = gpu.limits.maximum else { continue }
            minimum += low.value
            maximum += high.value
            count += 1
        }
        let nonGPU = control.nonGPUEstimate.value
        self.init(
            site: node.site, row: node.row, rack: node.rack, gpuCount: count, safeCap: control.enabled ? control.safeCap : nil,
            lowestEnforceable: count > 0 ? Milliwatts(minimum + nonGPU) : nil,
            highestEnforceable: count > 0 ? Milliwatts(maximum + nonGPU) : nil)
    }
}
