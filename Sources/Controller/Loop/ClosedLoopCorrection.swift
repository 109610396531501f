/// A fast trim on measured node power: while the node is above target by more than the GPU limits explain,
/// the GPU budget shrinks by the unexplained part, ahead of the slower non-GPU smoothing.
///
/// "Unexplained" is the PDU's non-GPU part (PDU − GPU sum) beyond its smoothed estimate. GPUs still coming down
/// to a limit just lowered are explained — their limit is already correcting them — so a step down of the
/// target does not wind the trim up and undershoot; a host-load jump is not explained, and the trim takes it
/// out of the budget within a tick or two while the smoothing catches up. The trim moves toward its goal at
/// `gain` per second (a first-order integral), tightens only while measured power is above target, relaxes
/// toward zero otherwise, and is clamped to 0…limit. Anti-windup: it does not grow while every GPU already
/// sits at its minimum, where tightening further changes nothing.
struct ClosedLoopCorrection: Sendable {
    let gain: Double
    let limitFraction: Double
    let deadbandFraction: Double
    private(set) var value: Double = 0

    init(gain: Double, limitFraction: Double, deadbandFraction: Double) {
        self.gain = gain
        self.limitFraction = limitFraction
        self.deadbandFraction = deadbandFraction
    }

    var milliwatts: Int64 { Int64(value.rounded()) }

    /// - Parameters:
    ///   - unexplained: measured non-GPU power minus its smoothed estimate (mW).
    ///   - aboveTarget: measured node power minus the target (mW).
    mutating func update(unexplained: Int64, aboveTarget: Int64, target: Int64, elapsed: Int64, saturated: Bool) {
        let band = Double(target) * deadbandFraction
        let tighten = Double(unexplained) > band && Double(aboveTarget) > band
        var goal = tighten ? Double(unexplained) : 0
        if saturated { goal = min(goal, value) }
        value += min(1, gain * Double(elapsed) / 1000) * (goal - value)
        value = min(max(0, value), Double(target) * limitFraction)
    }
}
