import Synchronization
import Wire

/// The first reason the session ended (a close frame from the collector, or our own diagnosis).
final class CloseBox: Sendable {
    private let value = Mutex<(CloseCode, String)?>(nil)

    func set(_ code: CloseCode, _ text: String) {
        value.withLock { if $0 == nil { $0 = (code, text) } }
    }

    var reason: WireMessage.CloseReason? { value.withLock { $0.map { .init(code: $0.0, reason: $0.1) } } }
    var text: String? { value.withLock { $0?.1 } }
}
