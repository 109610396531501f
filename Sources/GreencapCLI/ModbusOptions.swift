import ArgumentParser
import GreencapConfig
import Modbus

/// Where a device is: `--tcp HOST:PORT` or `--rtu DEVICE --baud N`.
struct ModbusLinkOptions: ParsableArguments {
    @Option(name: .customLong("tcp"), help: "Modbus TCP endpoint HOST[:PORT] (port 502 by default).")
    var tcp: String?

    @Option(name: .customLong("rtu"), help: "Serial device for Modbus RTU, e.g. /dev/ttyUSB0 or a /dev/serial/by-id link.")
    var rtu: String?

    @Option(help: "RTU line speed (default: the profile's, else 9600).")
    var baud: Int?

    @Option(help: "RTU parity: N, E or O (default: the profile's, else N).")
    var parity: String?

    @Option(name: .customLong("data-bits"), help: "RTU data bits (default 8).")
    var dataBits: Int?

    @Option(name: .customLong("stop-bits"), help: "RTU stop bits (default 1).")
    var stopBits: Int?

    func endpoint(defaults: ConnectionDefaults, listening: Bool = false) throws -> ModbusEndpoint {
        switch (tcp, rtu) {
        case (let text?, nil):
            guard let endpoint = ModbusEndpoint.tcp(text, defaultPort: defaults.tcpPort, listening: listening) else {
                throw ValidationError("--tcp \(text): expected HOST[:PORT] or [IPv6]:PORT")
            }
            return endpoint
        case (nil, let device?):
            let parity: ConnectionDefaults.Parity
            if let text = self.parity {
                guard let parsed = ConnectionDefaults.Parity(rawValue: text.uppercased()) else {
                    throw ValidationError("--parity \(text): expected N, E or O")
                }
                parity = parsed
            } else {
                parity = defaults.parity
            }
            let baud = self.baud ?? defaults.baud
            guard (300...4_000_000).contains(baud) else { throw ValidationError("--baud \(baud): expected 300 to 4000000") }
            return .rtu(device: device, baud: baud, parity: parity, dataBits: dataBits ?? defaults.dataBits, stopBits: stopBits ?? defaults.stopBits)
        case (nil, nil): throw ValidationError("give --tcp HOST:PORT or --rtu DEVICE")
        case (_?, _?): throw ValidationError("give --tcp or --rtu, not both")
        }
    }
}

struct ProfileDirectoryOption: ParsableArguments {
    @Option(name: .customLong("profile-dir"), help: "Look for profiles here first (repeatable).")
    var directories: [String] = []

    var catalog: ProfileCatalog { ProfileCatalog(extraDirectories: directories) }

    func load(_ name: String) throws -> DeviceProfile {
        do {
            return try catalog.load(name)
        } catch {
            throw CLIError(error.issues.map(\.description).joined(separator: "\n"))
        }
    }
}

func parseDuration(option: String, _ text: String?, default value: Duration) throws -> Duration {
    guard let text else { return value }
    guard let duration = GreencapConfig.parseDuration(text) else {
        throw ValidationError("\(option) \(text): expected a duration such as 500ms or 2s")
    }
    return duration
}
