/// The node's power other than its GPUs: PDU − GPU sum, smoothed; the configured estimate until a plausible
/// PDU reading arrives. Its smoothing is also the loop's main feedback on measured power: whatever the PDU
/// sees beyond the GPUs' own draw shrinks the GPU budget.
struct NonGPUPowerEstimator: Sendable {
    let configured: Int64
    let timeConstant: Int64
    private(set) var smoothed: Double?

    init(configured: Int64, timeConstantMilliseconds: Int64) {
        self.configured = configured
        self.timeConstant = timeConstantMilliseconds
    }

    var hasMeasurement: Bool { smoothed != nil }

    var estimate: Int64 { smoothed.map { Int64($0.rounded()) } ?? configured }

    /// A PDU reading the loop can use: not negative, not far above the breaker, and not below what the GPUs
    /// themselves report drawing (an outlet missing from the map reads low).
    static func isPlausible(pdu: Int64, gpuSum: Int64, implausibleAbove: Int64) -> Bool {
        let slack = max(Int64(50_000), gpuSum / 20)  // sensors disagree by a few percent
        return pdu >= 0 && pdu <= implausibleAbove && pdu + slack >= gpuSum
    }

    /// Folds in one plausible PDU reading.
    mutating func update(pdu: Int64, gpuSum: Int64, elapsed: Int64) {
        let sample = Double(max(0, pdu - gpuSum))
        guard let previous = smoothed else {
            smoothed = sample
            return
        }
        let weight = timeConstant <= 0 ? 1 : Double(elapsed) / Double(timeConstant + elapsed)
        smoothed = previous + weight * (sample - previous)
    }
}
