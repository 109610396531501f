import GreencapCore
#if canImport(Glibc)
import Glibc
#endif

/// The bus a poller owns: its connection, reopened after a broken link, and the pacing between frames.
///
/// RTU is half-duplex and libmodbus does not wait out the inter-frame silence, so every request waits
/// until the line has been quiet for 3.5 character times (and the device's own `inter_request_delay`).
final class BusLink {
    let endpoint: ModbusEndpoint
    private(set) var connection: ModbusConnection?
    private var lastFrameEnd: ContinuousClock.Instant?
    private let clock = ContinuousClock()
    /// Resolves a serial adapter's current device node (it may move when re-plugged); nil keeps the endpoint's.
    let resolveDevice: (() -> String?)?
    private(set) var opens = 0

    init(endpoint: ModbusEndpoint, resolveDevice: (() -> String?)? = nil) {
        self.endpoint = endpoint
        self.resolveDevice = resolveDevice
    }

    var currentEndpoint: ModbusEndpoint {
        guard case .rtu(_, let baud, let parity, let dataBits, let stopBits) = endpoint, let device = resolveDevice?() else {
            return endpoint
        }
        return .rtu(device: device, baud: baud, parity: parity, dataBits: dataBits, stopBits: stopBits)
    }

    func close() {
        connection?.close()
        connection = nil
    }

    /// One request, paced, on a connection opened on demand.
    func request(
        unit: UInt8, _ type: RegisterType, start: Int, count: Int, settings: ConnectionDefaults
    ) throws(ModbusError) -> [UInt16] {
        let link = try openConnection()
        link.setTimeouts(response: settings.responseTimeout, byte: settings.byteTimeout)
        pace(extra: settings.interRequestDelay)
        defer { lastFrameEnd = clock.now }
        do {
            return try link.read(type, unit: unit, start: start, count: count)
        } catch {
            if error.needsReconnect {
                close()
            } else if error == .timeout || error == .badCRC || error.kind == "bad-response" {
                // A late or broken answer may still be arriving: drop it so it cannot answer the next request.
                link.flush()
            }
            throw error
        }
    }

    private func openConnection() throws(ModbusError) -> ModbusConnection {
        if let connection, connection.isOpen { return connection }
        let target = currentEndpoint
        let fresh = try ModbusConnection(endpoint: target)
        try fresh.open()
        opens += 1
        connection = fresh
        return fresh
    }

    private func pace(extra: Duration) {
        guard let last = lastFrameEnd else { return }
        let quiet = max(endpoint.interFrameSilence, extra)
        let ready = last + quiet
        let now = clock.now
        if ready > now { sleepPrecisely(ready - now) }
    }
}

func sleepPrecisely(_ duration: Duration) {
    let nanos = duration.wholeNanoseconds
    guard nanos > 0 else { return }
    var request = timespec(tv_sec: Int(nanos / 1_000_000_000), tv_nsec: Int(nanos % 1_000_000_000))
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 { request = remaining }
}
