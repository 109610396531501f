import Controller
import GreencapCore

/// Shared values: an HGX H100 node (8 GPUs, 200–700 W) with a 900 W host load.
enum Fixtures {
    static let node = NodeIdentity(id: "gc-a01-n07", site: "gwangju", row: "r3", rack: "a01")
    static let gpuMinimum = Milliwatts.watts(200)
    static let gpuMaximum = Milliwatts.watts(700)
    static let hostLoad = Milliwatts.watts(900)
    static let safeCap = Milliwatts.watts(4000)
    static let emergencyCap = Milliwatts.watts(2800)
    /// 8 × 200 W + 900 W.
    static let lowestEnforceable = Milliwatts.watts(2500)
    static let facts = NodeFacts(identity: node, safeCap: safeCap, lowestEnforceable: lowestEnforceable)

    static func config() -> ControllerConfig {
        ControllerConfig(safeCap: safeCap, emergencyCap: emergencyCap)
    }

    static func reading(power: Int64, limit: Int64, pinned: Bool? = nil) -> GPUReading {
        GPUReading(
            power: .watts(power), enforcedLimit: .watts(limit), minimumLimit: gpuMinimum, maximumLimit: gpuMaximum,
            defaultLimit: gpuMaximum, pinned: pinned ?? (power >= limit))
    }

    static func policy(issuedAt: Int64 = 0, expiresAt: Int64? = nil) -> RenewablePolicy {
        RenewablePolicy(
            id: "jeonnam-green", floor: .watts(3500), ceiling: .watts(6400),
            tiers: [
                RenewableTier(minimumScore: 0, cap: .watts(3500)),
                RenewableTier(minimumScore: 0.3, cap: .watts(4500)),
                RenewableTier(minimumScore: 0.6, cap: .watts(5500)),
                RenewableTier(minimumScore: 0.85, cap: .watts(6400)),
            ],
            hysteresis: 0.05, author: "energy-team", issuedAt: issuedAt, expiresAt: expiresAt)
    }
}
