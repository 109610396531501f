import GreencapCore
import Logging

/// The outcome of one power-limit write (or, in dry-run, of the write that would have happened).
public struct LimitChange: Sendable, Hashable {
    public var gpu: GPUIdentity
    /// What the caller asked for.
    public var requested: Milliwatts
    /// What was (or would be) set: `requested` clamped into the board's [minimum, maximum].
    public var target: Milliwatts
    /// The requested limit before the write.
    public var previous: Milliwatts?
    /// The limit the driver enforces after the write, read back.
    public var enforced: Milliwatts?
    /// False in dry-run: nothing was set.
    public var applied: Bool

    public var clamped: Bool { requested != target }
}

extension GPUFleet {
    /// Sets GPU `gpu` (an index or a UUID) to `requested`, clamped into its constraints, then reads back the
    /// enforced limit. In dry-run it logs what it would set and sets nothing; in read-only it refuses.
    public func setPowerLimit(gpu: String, to requested: Milliwatts) throws(GPUWriteError) -> LimitChange {
        let position = try slotPosition(gpu)
        let slot = slots[position]
        guard let target = slot.fixedLimits.clamp(requested) else { throw .limitsUnknown(index: slot.identity.index) }
        let entry = library.entry
        let previous = entry.managementLimit.flatMap { try? library.uint($0, slot.handle).get() }.map { Milliwatts(Int64($0)) }
        var change = LimitChange(
            gpu: slot.identity, requested: requested, target: target, previous: previous, enforced: nil, applied: false)
        var metadata: Logger.Metadata = [
            "gpu": "\(slot.identity.index)", "uuid": "\(slot.identity.uuid)", "from": "\(describe(previous))",
            "to": "\(describe(target))",
        ]
        if change.clamped { metadata["clamped_from"] = "\(describe(requested))" }
        switch writeMode {
        case .readOnly:
            throw .readOnly
        case .dryRun:
            change.enforced = readEnforced(slot)
            logger.notice("dry-run: would set GPU power limit; nothing set", metadata: metadata)
            return change
        case .enforce:
            break
        }
        guard let setLimit = entry.setManagementLimit else {
            throw .nvml(NVMLCallError(function: "nvmlDeviceSetPowerManagementLimit", gpu: slot.identity.index, failure: .functionNotFound))
        }
        if let failure = library.check(setLimit(slot.handle, UInt32(clamping: target.value))) {
            if failure.consequence == .gpuLost {
                markLost(at: position, function: "nvmlDeviceSetPowerManagementLimit", failure: failure)
                throw .gpuLost(index: slot.identity.index, uuid: slot.identity.uuid)
            }
            throw .nvml(NVMLCallError(function: "nvmlDeviceSetPowerManagementLimit", gpu: slot.identity.index, failure: failure))
        }
        change.applied = true
        change.enforced = readEnforced(slot)
        metadata["enforced"] = "\(describe(change.enforced))"
        logger.debug("set GPU power limit", metadata: metadata)
        if let enforced = change.enforced, enforced != target {
            // The driver applies the lowest of all limits; a lower one set out of band (BMC, OEM policy) wins.
            logger.warning(
                "driver enforces a different limit than the one set (a lower out-of-band limit?)", metadata: metadata)
        }
        return change
    }

    /// Puts GPU `gpu` back to the limit it boots with.
    public func restoreDefaultLimit(gpu: String) throws(GPUWriteError) -> LimitChange {
        let slot = slots[try slotPosition(gpu)]
        guard let defaultLimit = slot.fixedLimits.defaultLimit else { throw .limitsUnknown(index: slot.identity.index) }
        return try setPowerLimit(gpu: slot.identity.uuid, to: defaultLimit)
    }

    /// Every answering GPU back to its default limit; the failures, by GPU, for the caller to report.
    public func restoreAllDefaults() -> [(GPUIdentity, Result<LimitChange, GPUWriteError>)] {
        identities.map { identity in
            do throws(GPUWriteError) {
                return (identity, .success(try restoreDefaultLimit(gpu: identity.uuid)))
            } catch {
                return (identity, .failure(error))
            }
        }
    }

    private func slotPosition(_ gpu: String) throws(GPUWriteError) -> Int {
        if let position = slots.firstIndex(where: { $0.identity.uuid == gpu || String($0.identity.index) == gpu }) {
            return position
        }
        if let gone = lost.values.first(where: { $0.uuid == gpu || String($0.index) == gpu }) {
            throw .gpuLost(index: gone.index, uuid: gone.uuid ?? "unknown")
        }
        throw .unknownGPU(gpu)
    }

    private func readEnforced(_ slot: GPUSlot) -> Milliwatts? {
        guard let enforcedLimit = library.entry.enforcedLimit else { return nil }
        return (try? library.uint(enforcedLimit, slot.handle).get()).map { Milliwatts(Int64($0)) }
    }
}

func describe(_ power: Milliwatts?) -> String {
    guard let power else { return "unknown" }
    return power.value % 1000 == 0 ? "\(power.value / 1000) W" : "\(power.watts) W"
}
