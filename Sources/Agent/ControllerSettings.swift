import Controller
import GreencapConfig
import GreencapCore

extension ControllerConfig {
    /// The controller's settings from `[control]` and `[gpu] writes` (anything but "enforce" runs it dry).
    init(_ settings: ControlSettings, writes: GPUWriteMode) throws(ControllerConfigError) {
        guard let safeCap = settings.safeCap, let emergencyCap = settings.effectiveEmergencyCap else {
            throw ControllerConfigError(key: "safe_cap", problem: "is required to run the controller")
        }
        self.init(safeCap: safeCap, emergencyCap: emergencyCap)
        tick = settings.tick
        nonGPUEstimate = settings.nonGPUEstimate
        pduImplausibleAbove = settings.pduImplausibleAbove
        raiseRatePerSecond = settings.raiseRate
        raiseJitterWindow = settings.raiseJitter
        mainsStableHold = settings.mainsStableHold
        feedStaleAfter = settings.feedStaleAfter
        dryRun = writes != .enforce
        stopBehaviour = settings.onStop == .restoreDefaults ? .restoreDefaults : .keepCaps
    }
}
