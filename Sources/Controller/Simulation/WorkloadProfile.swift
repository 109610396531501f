/// What a simulated GPU wants to draw over time, in watts (the NVML simulator's workloads, made cheap enough
/// for a fleet-day: no trigonometry per tick).
public enum WorkloadProfile: Sendable, Hashable {
    /// 70 W.
    case idle
    case constant(watts: Double)
    /// 690 W with a ±10 W ripple; each minute a 4 s dip to 300 W (checkpoint, all-reduce).
    case training
    /// A triangle between `low` and `high` watts with the period in seconds.
    case wave(low: Double, high: Double, periodSeconds: Double)
    /// Piecewise constant: `watts[i]` from `atMilliseconds[i]` on (before the first step: the first value).
    case steps(atMilliseconds: [Int64], watts: [Double])

    /// Demand at `time`; `phase` (milliseconds) shifts periodic workloads so GPUs and nodes are not in lockstep.
    public func demand(at time: Int64, phase: Int64) -> Double {
        switch self {
        case .idle:
            return 70
        case .constant(let watts):
            return watts
        case .training:
            let shifted = time + phase
            let inMinute = ((shifted % 60_000) + 60_000) % 60_000
            if inMinute >= 56_000 { return 300 }
            return 690 + 10 * Self.triangle(shifted, period: 7_000)
        case .wave(let low, let high, let period):
            let periodMilliseconds = max(1, Int64(period * 1000))
            return low + (high - low) * (Self.triangle(time + phase, period: periodMilliseconds) + 1) / 2
        case .steps(let times, let watts):
            guard var value = watts.first else { return 0 }
            for (index, start) in times.enumerated() where index < watts.count && time >= start { value = watts[index] }
            return value
        }
    }

    /// -1…1…-1 over one period.
    private static func triangle(_ time: Int64, period: Int64) -> Double {
        let position = Double(((time % period) + period) % period) / Double(period)
        return position < 0.5 ? 4 * position - 1 : 3 - 4 * position
    }
}
