import ArgumentParser
import Dispatch
import Foundation
import Logging
import Modbus

/// `greencap sim modbus`: serves a profile's registers over TCP or RTU, with scenario values and faults.
struct SimModbusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modbus",
        abstract: "Simulate a Modbus device from a profile's fixture (libmodbus server side).",
        discussion: """
            The device serves the registers of one of the profile's fixtures; a scenario file (TOML, re-read when \
            it changes) overrides values by point id in the point's published unit and sets a fault:
              fault = "none"   # timeout, exception:CODE, crc, wrong-unit, garbage, disconnect, delay:300ms
              [values]
              "outlet_power[3]" = 812.5
            Registers outside the fixture's reads answer exception 2 (illegal data address).
            """)

    @Option(help: "Profile name or path.")
    var profile: String

    @Option(help: "Which of the profile's fixtures to serve (0-based).")
    var fixture = 0

    @OptionGroup var link: ModbusLinkOptions
    @OptionGroup var profiles: ProfileDirectoryOption

    @Option(help: "Unit id to answer as (repeatable: several devices of this profile on one line or gateway; default: the profile's).")
    var unit: [UInt8] = []

    @Option(help: "Scenario file, re-read when it changes.")
    var scenario: String?

    @Option(help: "Fault to start with: \(SimulatorFault.choices).")
    var fault: String?

    @Option(name: .customLong("ready-file"), help: "Write the TCP port (or 0 for RTU) here once serving.")
    var readyFile: String?

    func run() throws {
        let profile = try profiles.load(self.profile)
        var startFault = SimulatorFault.none
        if let fault {
            guard let parsed = SimulatorFault(fault) else { throw ValidationError("--fault \(fault): expected one of \(SimulatorFault.choices)") }
            startFault = parsed
        }
        let endpoint = try link.endpoint(defaults: profile.connection, listening: true)
        let units = unit.isEmpty ? [profile.connection.unitID] : unit
        var devices: [SimulatedDevice] = []
        for id in units {
            do {
                var device = try SimulatedDevice(profile: profile, unitID: id, fixture: fixture)
                device.fault = startFault
                devices.append(device)
            } catch {
                throw CLIError("\(error)")
            }
        }
        var logger = Logger(label: "greencap-sim") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .info
        let server: ModbusSimulatorServer
        do {
            server = try ModbusSimulatorServer(endpoint: endpoint, devices: devices, scenarioPath: scenario, logger: logger)
        } catch {
            throw CLIError("\(error)")
        }
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { server.stop() }
            source.resume()
            sources.append(source)
        }
        do {
            try server.run { port in
                let shown = port == 0 ? "\(endpoint)" : "\(ModbusEndpoint.tcp(host: hostOf(endpoint), port: port))"
                logger.info("serving", metadata: [
                    "profile": "\(profile.id)", "fixture": "\(fixture)", "endpoint": "\(shown)",
                    "units": "\(units.map(String.init).joined(separator: ","))", "fault": "\(startFault)",
                ])
                if let readyFile { try? "\(port)\n".write(toFile: readyFile, atomically: true, encoding: .utf8) }
            }
        } catch {
            throw CLIError("\(error)")
        }
        logger.info("stopped", metadata: ["requests": "\(server.served)"])
        _ = sources
    }
}

private func hostOf(_ endpoint: ModbusEndpoint) -> String {
    if case .tcp(let host, _) = endpoint { return host }
    return ""
}
