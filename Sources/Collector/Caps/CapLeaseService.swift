import Logging
import ServiceLifecycle

/// Ends API caps whose lease ran out, once a second, logging each as an "expire" change, and keeps the
/// planner's copy current. Agents stop enforcing a lapsed cap by themselves (its expiry travels with it);
/// this makes the collector's list, log and next push agree with them.
public struct CapLeaseService: Service {
    let control: CapControl
    let logger: Logger
    let period: Duration

    public init(control: CapControl, logger: Logger, period: Duration = .seconds(1)) {
        self.control = control
        self.logger = logger
        self.period = period
    }

    public func run() async throws {
        var failing = false
        while !Task.isShuttingDownGracefully {
            do {
                let ended = try await control.store.expireCaps(now: control.now())
                for cap in ended {
                    logger.notice(
                        "cap lease ended",
                        metadata: ["cap": "\(cap.id)", "scope": "\(cap.scope.rawValue) \(cap.name)", "author": "\(cap.author)"])
                }
                try await control.refresh()
                if failing { logger.notice("cap leases checked again") }
                failing = false
            } catch {
                if !failing { logger.error("cannot check cap leases; agents still drop lapsed caps themselves", metadata: ["error": "\(error)"]) }
                failing = true
            }
            try? await Task.sleep(for: period)
        }
    }
}
