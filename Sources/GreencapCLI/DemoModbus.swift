import Foundation

/// The demo's Modbus devices: one simulated Raritan PDU per rack (two outlets per node) and one shared
/// APC UPS, each a `greencap sim modbus` child. The PDU outlets draw what the node's simulated GPUs draw
/// plus the host's own load, so the agents' PDU readings follow the GPUs.
struct DemoModbus {
    /// Watts a node draws besides its GPUs (CPUs, memory, fans, NICs), split over its two outlets.
    static let hostWatts = 900.0

    let state: String
    let racks: [(rack: String, nodes: [String])]
    private(set) var pduPorts: [String: Int] = [:]
    private(set) var upsPort = 0

    init(state: String, racks: [(rack: String, nodes: [String])]) {
        self.state = state
        self.racks = racks
    }

    func scenarioPath(_ device: String) -> String { state + "/sim/\(device).toml" }

    /// Starts the simulators and waits until each listens; returns them for the demo to supervise.
    mutating func start(binaries: String, logs: String) async throws(DemoError) -> [ChildProcess] {
        do {
            try FileManager.default.createDirectory(atPath: state + "/sim", withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(path: state + "/sim", reason: error.localizedDescription)
        }
        var devices: [(name: String, profile: String, fixture: Int)] = racks.map { ("pdu-\($0.rack)", "raritan-px3", 0) }
        devices.append(("ups-1", "apc-smart-ups", 1))
        var children: [ChildProcess] = []
        for device in devices {
            try DemoFiles.write("fault = \"none\"\n", to: scenarioPath(device.name))
            let ready = state + "/sim/\(device.name).port"
            try? FileManager.default.removeItem(atPath: ready)
            let child = try ChildProcess(
                name: device.name, executable: binaries + "/greencap",
                arguments: ["sim", "modbus", "--profile", device.profile, "--fixture", "\(device.fixture)", "--tcp", "127.0.0.1:0",
                            "--scenario", scenarioPath(device.name), "--ready-file", ready],
                environment: ProcessInfo.processInfo.environment, logPath: logs + "/\(device.name).log")
            children.append(child)
            let port = try await waitForPort(ready, child: child)
            if device.profile == "apc-smart-ups" { upsPort = port } else { pduPorts[device.name] = port }
        }
        return children
    }

    private func waitForPort(_ path: String, child: ChildProcess) async throws(DemoError) -> Int {
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOfFile: path, encoding: .utf8),
               let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), port > 0 {
                return port
            }
            if !child.poll() { throw .exitedEarly(name: child.name, status: child.exitStatus ?? -1, log: child.logTail()) }
            try? await Task.sleep(for: .milliseconds(50))
        }
        throw .notReady(name: child.name, seconds: 15, log: child.logTail())
    }

    /// The `[[modbus.bus]]` part of a node's agent config: its rack's PDU (its two outlets) and the UPS.
    func agentConfig(node: String) -> String {
        guard let (rack, nodes) = racks.first(where: { $0.nodes.contains(node) }), let slot = nodes.firstIndex(of: node),
              let port = pduPorts["pdu-\(rack)"] else { return "" }
        return """
            [[modbus.bus]]
            name = "rack-pdu"
            tcp = "127.0.0.1:\(port)"
            poll_every = "1s"

            [[modbus.bus.device]]
            name = "pdu-\(rack)"
            profile = "raritan-px3"
            outlets = [\(2 * slot + 1), \(2 * slot + 2)]

            [[modbus.bus]]
            name = "ups"
            tcp = "127.0.0.1:\(upsPort)"
            poll_every = "500ms"

            [[modbus.bus.device]]
            name = "ups-1"
            profile = "apc-smart-ups"

            """
    }

    /// Puts the UPS on battery (mains lost) or back on mains.
    func setUPS(onBattery: Bool) {
        try? DemoFiles.write(
            "fault = \"none\"\n[values]\nstatus_on_battery = \(onBattery)\nstatus_online = \(!onBattery)\n", to: scenarioPath("ups-1"))
    }

    /// Sets each PDU's outlets from the GPU watts its nodes last reported ("8/8 GPUs 5518 W").
    func drive(statuses: [String: String]) {
        for (rack, nodes) in racks {
            var lines = ["fault = \"none\"", "[values]"]
            for (slot, node) in nodes.enumerated() {
                guard let gpuWatts = Self.gpuWatts(in: statuses[node] ?? "") else { continue }
                let perOutlet = (gpuWatts + Self.hostWatts) / 2
                lines.append("\"outlet_power[\(2 * slot + 1)]\" = \(perOutlet)")
                lines.append("\"outlet_power[\(2 * slot + 2)]\" = \(perOutlet)")
            }
            guard lines.count > 2 else { continue }
            try? DemoFiles.write(lines.joined(separator: "\n") + "\n", to: scenarioPath("pdu-\(rack)"))
        }
    }

    static func gpuWatts(in status: String) -> Double? {
        guard let range = status.range(of: #"GPUs [0-9]+ W"#, options: .regularExpression) else { return nil }
        return Double(status[range].dropFirst(5).dropLast(2))
    }
}
