/// An integral trim on measured node power: while the node stays above target, the GPU budget shrinks.
///
/// The error excludes GPUs still settling down to a limit just lowered (their excess is already being
/// corrected by the limit itself), so a step down does not wind the integral up and undershoot. Anti-windup:
/// the correction is clamped to 0…limit and does not grow while every GPU is already at its minimum.
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

    mutating func update(error: Int64, target: Int64, elapsed: Int64, saturated: Bool) {
        let band = Double(target) * deadbandFraction
        let error = Double(error)
        if error > band {
            if !saturated { value += gain * error * Double(elapsed) / 1000 }
        } else if error < -band {
            value += gain * error * Double(elapsed) / 1000
        }
        value = min(max(0, value), Double(target) * limitFraction)
    }

    mutating func reset() { value = 0 }
}
