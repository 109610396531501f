import Collector
import Foundation
import GreencapCore
import Synchronization
import UnixSignals

/// Runs the demo fleet: start, supervise, show, stop, summarise.
struct DemoFleet {
    let settings: DemoSettings
    let watchdogTimeout: Duration = .seconds(4)

    var nodeNames: [String] { (1...settings.agents).map { "demo-n" + ($0 < 10 ? "0\($0)" : "\($0)") } }

    func run() async throws(DemoError) -> Int32 {
        let state = settings.stateDirectory
        try DemoFiles.prepareStateDirectory(state)
        try? FileManager.default.removeItem(atPath: state + "/audit")
        try? FileManager.default.removeItem(atPath: state + "/policy.json")
        do {
            try FileManager.default.createDirectory(atPath: state + "/audit", withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(path: state + "/audit", reason: error.localizedDescription)
        }
        let gridFile: String
        if let given = settings.gridFile { gridFile = given } else { gridFile = try DemoFiles.findGridFile() }
        let databasePath = state + "/collector.sqlite"
        var modbus = DemoModbus(state: state, racks: racks)

        let listener = try NotifyListener(names: ["collector"] + nodeNames, prefix: "greencap-demo-\(getpid())")
        defer { listener.stop() }
        let binaries = DemoFiles.executableDirectory
        var children: [ChildProcess] = []
        defer {
            // Whatever happened, leave no daemon behind.
            for child in children where child.poll() { child.signal(SIGKILL) }
        }

        let stopRequested = Atomic<Bool>(false)
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        let signalWatcher = Task {
            for await _ in signals {
                stopRequested.store(true, ordering: .relaxed)
            }
        }
        defer { signalWatcher.cancel() }

        // Devices first: the agents' configs name the simulators' ports.
        children += try await modbus.start(binaries: binaries, logs: state + "/logs")
        let uplink = try DemoUplink(state: state, nodes: nodeNames)
        try writeConfigs(state: state, gridFile: gridFile, databasePath: databasePath, modbus: modbus, uplink: uplink)
        let collector = try spawn("collector", binaries + "/greencap-collector", config: state + "/config/collector.toml", listener)
        children.append(collector)
        try await waitReady([collector], listener)
        let daemonsFrom = children.count - 1
        // A first policy before the agents start (no score yet: they hold their safe cap until the next one).
        var policy = DemoPolicy(state: state)
        try policy.issue(greenScore: nil, feedDown: false)
        for name in nodeNames {
            children.append(try spawn(name, binaries + "/greencap-agent", config: state + "/config/\(name).toml", listener))
        }
        try await waitReady(Array(children.dropFirst(daemonsFrom + 1)), listener)

        let store: SQLiteStore
        do {
            store = try SQLiteStore(path: databasePath)
        } catch {
            throw .cannotWrite(path: databasePath, reason: "\(error)")
        }
        let clock = ContinuousClock()
        let started = clock.now
        let events = DemoEvents(runSeconds: Double(settings.seconds))
        var phase = DemoEvents.Phase.normal
        var log = DemoEventLog()
        var lastIssued: ContinuousClock.Instant?
        let interactive = isatty(STDOUT_FILENO) != 0
        let screen = DemoScreen(settings: settings, databasePath: databasePath, interactive: interactive)
        var stopReason = StopReason.timeLimit
        var lastPrinted: ContinuousClock.Instant?
        while true {
            let elapsed = clock.now - started
            if stopRequested.load(ordering: .relaxed) {
                stopReason = .interrupted
                break
            }
            if settings.seconds > 0, elapsed >= .seconds(settings.seconds) { break }
            if let crashed = children.first(where: { !$0.poll() }) {
                stopReason = .daemonExited(name: crashed.name, status: crashed.exitStatus ?? -1)
                break
            }
            let second = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let now = events.phase(atSecond: second)
            if now != phase {
                log.record(now, from: phase, atSecond: second)
                if now == .upsOnBattery || phase == .upsOnBattery { modbus.setUPS(onBattery: now == .upsOnBattery) }
                phase = now
            }
            if lastIssued.map({ clock.now - $0 >= .seconds(1) }) ?? true {
                let latest = try? await store.latestGridHours(limit: 1).first
                try policy.issue(greenScore: latest?.greenScore, feedDown: phase == .feedOutage)
                lastIssued = clock.now
            }
            log.observe(statuses: Dictionary(uniqueKeysWithValues: nodeNames.map { ($0, listener.record(of: $0).status) }))
            modbus.drive(statuses: Dictionary(uniqueKeysWithValues: nodeNames.map { ($0, listener.record(of: $0).status) }))
            // A terminal gets a redrawn table every second; a log gets one every 5 s.
            if interactive || lastPrinted.map({ clock.now - $0 >= .seconds(5) }) ?? true {
                let latest = try? await store.latestGridHours(limit: 1).first
                let hours = (try? await store.gridHourCount()) ?? 0
                let rows = children.dropFirst(daemonsFrom).map { child in
                    let record = listener.record(of: child.name)
                    return DemoScreen.Row(name: child.name, record: record, watchdogOK: watchdogOK(record, now: clock.now))
                }
                let policyLine = DemoScreen.PolicyLine(score: policy.score, phase: phase, events: events)
                FileHandle.standardOutput.write(
                    Data(screen.render(elapsed: elapsed, latest: latest, hoursStored: hours, policy: policyLine, rows: rows).utf8))
                lastPrinted = clock.now
            }
            try? await Task.sleep(for: .milliseconds(interactive ? 1000 : 250))
        }

        // Stop as systemd would: agents first, then the collector, each with SIGTERM and a deadline.
        for child in children.reversed() { child.signal(SIGTERM) }
        let deadline = clock.now + .seconds(15)
        while children.contains(where: { $0.poll() }), clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        for child in children where child.poll() { child.signal(SIGKILL) }
        for child in children { while child.poll() { try? await Task.sleep(for: .milliseconds(20)) } }

        let hours = (try? await store.latestGridHours(limit: 1_000_000)) ?? []
        let queries = SQLiteTelemetryQueries(store: store)
        let received = DemoSummary.Received(
            nodes: (try? await queries.nodes()) ?? [],
            audit: (try? await queries.audit(
                AuditFilter(node: nil, cause: nil, from: APITime(milliseconds: 0), to: APITime(milliseconds: .max), limit: 1_000_000)).count) ?? 0)
        let summary = DemoSummary(
            reason: stopReason, elapsed: clock.now - started, hours: hours.reversed(),
            children: children.dropFirst(daemonsFrom).map { ($0.name, $0.exitStatus ?? -1, listener.record(of: $0.name)) },
            databasePath: databasePath, logDirectory: state + "/logs",
            audit: DemoAudit.read(directory: state + "/audit", nodes: nodeNames), events: log, received: received)
        print(summary.render())
        return summary.succeeded ? 0 : 1
    }

    private func watchdogOK(_ record: NotifyRecord, now: ContinuousClock.Instant) -> Bool {
        guard let last = record.lastWatchdog else { return false }
        return now - last < watchdogTimeout
    }

    private func spawn(_ name: String, _ executable: String, config: String, _ listener: NotifyListener) throws(DemoError) -> ChildProcess {
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = listener.address(of: name)
        environment["WATCHDOG_USEC"] = "\(watchdogTimeout.components.seconds * 1_000_000)"
        environment.removeValue(forKey: "WATCHDOG_PID")
        environment.removeValue(forKey: "JOURNAL_STREAM")
        environment.removeValue(forKey: "GREENCAP_NVML_LIBRARY")
        environment.removeValue(forKey: "GREENCAP_NVML_SIM_SCENARIO")
        if let position = nodeNames.firstIndex(of: name) {
            environment["GREENCAP_NVML_SIM_SEED"] = "\(position + 1)"
            environment["GREENCAP_NVML_SIM_WORKLOAD"] = Self.workloads[position % Self.workloads.count]
        }
        return try ChildProcess(
            name: name, executable: executable, arguments: ["--config", config], environment: environment,
            logPath: settings.stateDirectory + "/logs/\(name).log")
    }

    private func waitReady(_ children: [ChildProcess], _ listener: NotifyListener) async throws(DemoError) {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(30)
        for child in children {
            while !listener.record(of: child.name).ready {
                if !child.poll() {
                    throw .exitedEarly(name: child.name, status: child.exitStatus ?? -1, log: child.logTail())
                }
                if clock.now > deadline { throw .notReady(name: child.name, seconds: 30, log: child.logTail()) }
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// The NVML simulator, built beside the executables; each agent loads it as it would the driver.
    var simulatorLibrary: String { DemoFiles.executableDirectory + "/libgreencap-nvml-sim.so" }

    /// Each node runs a different kind of job so the fleet does not draw in lockstep.
    static let workloads = ["training", "inference", "training", "sine:250:650:40", "idle", "constant:520"]

    /// Two nodes to a rack, as the agents' configs place them.
    var racks: [(rack: String, nodes: [String])] {
        stride(from: 0, to: nodeNames.count, by: 2).map { start in
            ("r0\(start / 2 + 1)", Array(nodeNames[start..<min(start + 2, nodeNames.count)]))
        }
    }

    private func writeConfigs(
        state: String, gridFile: String, databasePath: String, modbus: DemoModbus, uplink: DemoUplink
    ) throws(DemoError) {
        guard FileManager.default.fileExists(atPath: simulatorLibrary) else {
            throw .missingFile(what: "the NVML simulator library", tried: [simulatorLibrary])
        }
        try DemoFiles.write(
            """
            # Written by `greencap demo`.
            [http]
            # A free port: tests and demos run beside each other and beside whatever holds 8080.
            listen = "127.0.0.1:0"
            [storage]
            path = "\(databasePath)"

            [grid]
            source = "replay"
            region = "KR-46"

            [grid.replay]
            file = "\(gridFile)"
            speed = \(settings.speed)
            start = "\(settings.start)"
            loop = true

            \(uplink.collectorConfig)

            [log]
            level = "info"

            """, to: state + "/config/collector.toml")
        for (index, name) in nodeNames.enumerated() {
            try DemoFiles.write(
                """
                # Written by `greencap demo`.
                [node]
                id = "\(name)"
                site = "gwangju-demo"
                row = "a01"
                rack = "r0\(index / 2 + 1)"

                [control]
                tick = "1s"
                safe_cap = "4000 W"
                emergency_cap = "2500 W"
                # Faster than production (1 kW/s, 10 s jitter, 60 s hold, 2 h stale) so an accelerated day shows.
                raise_rate = "2 kW"
                raise_jitter = "2s"
                mains_stable_hold = "3s"
                feed_stale_after = "3s"
                policy_file = "\(state)/policy.json"
                audit_file = "\(state)/audit/\(name).jsonl"
                pdu = "pdu-r0\(index / 2 + 1)"
                ups = "ups-1"

                [gpu]
                nvml_library = "\(simulatorLibrary)"

                \(uplink.agentConfig(state: state, node: name))

                \(modbus.agentConfig(node: name))
                """, to: state + "/config/\(name).toml")
        }
    }
}
