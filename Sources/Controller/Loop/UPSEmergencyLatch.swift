/// UPS on battery → emergency cap at once (invariant 5); released only after mains has been back without
/// interruption for the hold time, so a flickering feed does not step the node up and down.
struct UPSEmergencyLatch: Sendable {
    let holdMilliseconds: Int64
    private(set) var active = false
    private var mainsBackSince: Int64?

    init(holdMilliseconds: Int64) { self.holdMilliseconds = holdMilliseconds }

    /// Whether the emergency cap is in force after this reading.
    mutating func update(onBattery: Bool, now: Int64) -> Bool {
        if onBattery {
            active = true
            mainsBackSince = nil
        } else if active {
            let since = mainsBackSince ?? now
            mainsBackSince = since
            if now - since >= holdMilliseconds {
                active = false
                mainsBackSince = nil
            }
        }
        return active
    }
}
