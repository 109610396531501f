import ServiceLifecycle
import UnixSignals

/// Re-reads the API tokens file on SIGHUP (it is also re-read when it changes), so a revoked token stops
/// working at once when an admin asks for it.
public struct APITokenReloadService: Service {
    let authority: APIAuthority

    public init(authority: APIAuthority) { self.authority = authority }

    public func run() async throws {
        guard authority.tokensFile != nil else {
            try? await gracefulShutdown()
            return
        }
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() { authority.reload() }
    }
}
