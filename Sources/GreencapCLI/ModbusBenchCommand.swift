import ArgumentParser
import Foundation
import GPU
import Modbus
#if canImport(Glibc)
import Glibc
#endif

/// `greencap modbus bench`: what decoding a PDU and a UPS costs, and what the poll stack adds to a plain
/// libmodbus round trip for the same registers. `make bench` (scripts/bench.sh, section 5) starts the
/// two simulators and records the figures; docs/performance.md keeps them.
struct ModbusBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure decode cost and poll overhead.",
        discussion: """
            Decode: the PDU and UPS profiles' fixtures decoded to readings, in batches; thread CPU and wall per \
            PDU+UPS decode (median of the batches). Poll (with --pdu and --ups, e.g. two `greencap sim modbus` \
            servers): cycles of PDU poll + UPS poll through the agent's poll stack, alternated in rounds with \
            plain libmodbus sending the same requests; wall and CPU per cycle, and the ratio of the medians. \
            inter_request_delay is set to 0 on both sides, so the ratio measures code, not pacing.
            """,
        shouldDisplay: false)

    @Option(help: "Decode iterations (each one PDU + one UPS decode with readings).")
    var iterations = 20_000

    @Option(help: "Poll cycles per side (each one PDU poll + one UPS poll).")
    var cycles = 2_000

    @Option(help: "Rounds the poll cycles are split into, alternating which side runs first.")
    var rounds = 40

    @Option(help: "PDU simulator (or device) HOST:PORT; without --pdu and --ups only decoding is measured.")
    var pdu: String?

    @Option(help: "UPS simulator (or device) HOST:PORT.")
    var ups: String?

    @Option(name: .customLong("pdu-profile"), help: "PDU profile.")
    var pduProfile = "raritan-px3"

    @Option(name: .customLong("pdu-fixture"), help: "PDU fixture (0-based) to decode; serve the same one.")
    var pduFixture = 0

    @Option(name: .customLong("ups-profile"), help: "UPS profile.")
    var upsProfile = "apc-smart-ups"

    @Option(name: .customLong("ups-fixture"), help: "UPS fixture (0-based) to decode; serve the same one.")
    var upsFixture = 1

    @OptionGroup var profiles: ProfileDirectoryOption

    @Flag(help: "Print JSON instead of tables.")
    var json = false

    @Option(name: .customLong("json-file"), help: "Also write the JSON report to this file.")
    var jsonFile: String?

    func validate() throws {
        guard iterations >= 1, cycles >= 1, rounds >= 1 else { throw ValidationError("--iterations, --cycles and --rounds must be at least 1") }
        guard (pdu == nil) == (ups == nil) else { throw ValidationError("give both --pdu and --ups, or neither") }
    }

    func run() throws {
        let pduDevice = try BenchDevice(role: "pdu", profile: profiles.load(pduProfile), fixture: pduFixture)
        let upsDevice = try BenchDevice(role: "ups", profile: profiles.load(upsProfile), fixture: upsFixture)
        var report = ModbusBenchReport(decode: try measureDecode(pduDevice, upsDevice))
        if let pdu, let ups {
            report.poll = try measurePoll(pduDevice: pduDevice, at: endpoint("--pdu", pdu), upsDevice: upsDevice, at: endpoint("--ups", ups))
        }
        if let jsonFile { try jsonData(report).write(to: URL(fileURLWithPath: jsonFile)) }
        if json {
            try printJSON(report)
        } else {
            print(report.text)
        }
    }

    private func endpoint(_ option: String, _ text: String) throws -> ModbusEndpoint {
        guard let endpoint = ModbusEndpoint.tcp(text) else {
            throw ValidationError("\(option) \(text): expected HOST:PORT")
        }
        return endpoint
    }

    // MARK: Decode

    private func measureDecode(_ pdu: BenchDevice, _ ups: BenchDevice) throws -> DecodeFigures {
        let pduSummary = pdu.summary(), upsSummary = ups.summary()
        let perIteration = pduSummary.readings + upsSummary.readings
        // A PDU without outlets or a device without readings means the fixture did not decode, and the
        // timing would be of an empty loop.
        guard pduSummary.outlets > 0, pduSummary.readings > 0, upsSummary.readings > 0 else {
            throw CLIError(
                "\(pdu.profile.id) fixture \(pdu.fixtureIndex) gave \(pduSummary.readings) readings on \(pduSummary.outlets) outlets, "
                    + "\(ups.profile.id) fixture \(ups.fixtureIndex) \(upsSummary.readings) readings: the fixtures did not decode")
        }
        // Batches, not single iterations: reading the thread CPU clock is a system call of its own.
        let batches = min(25, iterations)
        let perBatch = max(1, iterations / batches)
        var both = BatchTimes(), pduOnly = BatchTimes(), upsOnly = BatchTimes()
        var produced = 0
        for _ in 0..<batches {
            produced += both.time(perBatch) { pdu.decodeOnce().count + ups.decodeOnce().count }
            produced += pduOnly.time(perBatch) { pdu.decodeOnce().count }
            produced += upsOnly.time(perBatch) { ups.decodeOnce().count }
        }
        // Using every result keeps the optimiser from dropping work whose output nobody reads.
        guard produced == batches * perBatch * 2 * perIteration else {
            throw CLIError("decode produced \(produced) readings, expected \(batches * perBatch * 2 * perIteration)")
        }
        return DecodeFigures(
            pdu: pduSummary, ups: upsSummary, readingsPerIteration: perIteration,
            iterations: batches * perBatch, batches: batches, cpu: both.cpuSummary, wall: both.wallSummary,
            pduCPU: pduOnly.cpuSummary, upsCPU: upsOnly.cpuSummary)
    }

    // MARK: Poll

    private func measurePoll(
        pduDevice: BenchDevice, at pduEndpoint: ModbusEndpoint, upsDevice: BenchDevice, at upsEndpoint: ModbusEndpoint
    ) throws -> PollFigures {
        let devices = [(pduDevice, pduEndpoint), (upsDevice, upsEndpoint)]
        var ours: [ModbusSinglePoll.Loop] = []
        var raw: [RawModbusLoop] = []
        var requestsPerCycle = 0
        for (device, endpoint) in devices {
            var connection = device.profile.connection
            connection.interRequestDelay = .zero
            let settings = ModbusDeviceSettings(name: "\(device.role):\(endpoint)", profile: device.profile, connection: connection)
            ours.append(ModbusSinglePoll(settings: settings, endpoint: endpoint).loop())
            // The once-blocks are read at connect and kept, so a steady-state cycle sends only the poll blocks.
            let plan = ReadPlan(profile: device.profile, maxRegistersPerRead: connection.maxRegistersPerRead)
            let requests = plan.requests.filter { $0.period == .poll }
            requestsPerCycle += requests.count
            do {
                raw.append(try RawModbusLoop(
                    endpoint: endpoint, unit: settings.unitID, requests: requests, responseTimeout: connection.responseTimeout))
            } catch {
                throw CLIError("raw libmodbus, \(device.role) at \(endpoint): \(error)")
            }
        }
        var readings = 0
        func oursCycle() throws {
            readings = 0
            for loop in ours {
                let result = loop.next()
                if let error = result.error { throw CLIError("\(result.decoder.profile.id): \(error)") }
                readings += result.readings.count
            }
        }
        func rawCycle() throws {
            for loop in raw {
                do { _ = try loop.cycle() } catch { throw CLIError("raw libmodbus: \(error)") }
            }
        }
        // Warm-up: our first poll also reads the once-blocks; both sides get their sockets and caches warm.
        for _ in 0..<20 {
            try oursCycle()
            try rawCycle()
        }
        let oursRequestsBefore = ours.reduce(0) { $0 + $1.requestsSent }
        var oursTimes = CycleTimes(), rawTimes = CycleTimes()
        var roundRatios: [Double] = []
        let perRound = max(1, cycles / rounds)
        for round in 0..<rounds {
            var oursRound = CycleTimes(), rawRound = CycleTimes()
            // Alternating which side goes first spreads slow stretches of a shared VM over both.
            if round % 2 == 0 {
                try oursRound.time(perRound, oursCycle)
                try rawRound.time(perRound, rawCycle)
            } else {
                try rawRound.time(perRound, rawCycle)
                try oursRound.time(perRound, oursCycle)
            }
            roundRatios.append(Double(oursRound.wallSummary.medianNs) / Double(max(1, rawRound.wallSummary.medianNs)))
            oursTimes.append(oursRound)
            rawTimes.append(rawRound)
        }
        let oursRequests = ours.reduce(0) { $0 + $1.requestsSent } - oursRequestsBefore
        let measured = rounds * perRound
        // A reconnect would reset the request counter and add a connect to some cycle: not the same work.
        guard ours.allSatisfy({ $0.connectionsOpened == 1 }), oursRequests == measured * requestsPerCycle else {
            throw CLIError(
                "the poll stack sent \(oursRequests) requests in \(measured) cycles on \(ours.map(\.connectionsOpened)) connection(s), "
                    + "the raw loop \(measured * requestsPerCycle) on one each: not the same work")
        }
        let oursWall = oursTimes.wallSummary, rawWall = rawTimes.wallSummary
        return PollFigures(
            pdu: "\(pduDevice.profile.id) fixture \(pduDevice.fixtureIndex) at \(pduEndpoint)",
            ups: "\(upsDevice.profile.id) fixture \(upsDevice.fixtureIndex) at \(upsEndpoint)",
            interRequestDelayNs: 0, requestsPerCycle: requestsPerCycle, readingsPerCycle: readings,
            cycles: measured, rounds: rounds,
            ours: SideFigures(wall: oursWall, cpu: oursTimes.cpuSummary),
            raw: SideFigures(wall: rawWall, cpu: rawTimes.cpuSummary),
            ratio: Double(oursWall.medianNs) / Double(max(1, rawWall.medianNs)),
            roundRatios: RatioSpread(roundRatios),
            cpuOverheadNs: Int64(oursTimes.cpuSummary.medianNs) - Int64(rawTimes.cpuSummary.medianNs))
    }
}

/// One profile with its fixture's register image and a compiled decoder, built once before timing.
private struct BenchDevice {
    let role: String
    let profile: DeviceProfile
    let fixtureIndex: Int
    let decoder: ProfileDecoder
    let image: RegisterImage
    let base: Int

    init(role: String, profile: DeviceProfile, fixture: Int) throws {
        guard profile.fixtures.indices.contains(fixture) else {
            throw ValidationError("--\(role)-fixture \(fixture): \(profile.id) has \(profile.fixtures.count) fixture(s), numbered from 0")
        }
        self.role = role
        self.profile = profile
        self.fixtureIndex = fixture
        self.decoder = ProfileDecoder(profile: profile)
        self.image = profile.fixtures[fixture].image()
        self.base = profile.fixtures[fixture].sunspecModelAddress ?? 0
    }

    /// What one poll does after its reads: decode the image, then build the normalised readings.
    @inline(never)
    func decodeOnce() -> [Reading] {
        decoder.readings(decoder.decode(image, base: base), device: role, timestamp: 0)
    }

    /// What one decode yields: readings, the point values behind them (metric or not), outlets reported.
    func summary() -> DecodedDevice {
        let values = decoder.decode(image, base: base)
        let readings = decoder.readings(values, device: role, timestamp: 0)
        let decoded = values.filter { $0 != .missing }.count
        let outlets = Set(readings.compactMap { $0.metric.entity == .outlet ? $0.entity : nil }).count
        return DecodedDevice(profile: profile.id, fixture: fixtureIndex, values: decoded, readings: readings.count, outlets: outlets)
    }
}

enum Clocks {
    static func wall() -> UInt64 { read(CLOCK_MONOTONIC) }
    /// This thread's CPU only: the simulators' work (other processes) does not count.
    static func threadCPU() -> UInt64 { read(CLOCK_THREAD_CPUTIME_ID) }

    private static func read(_ clock: clockid_t) -> UInt64 {
        var spec = timespec()
        clock_gettime(clock, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }
}

/// Per-iteration means of timed batches.
private struct BatchTimes {
    var wall: [UInt64] = []
    var cpu: [UInt64] = []

    mutating func time(_ count: Int, _ body: () -> Int) -> Int {
        var produced = 0
        let wall0 = Clocks.wall(), cpu0 = Clocks.threadCPU()
        for _ in 0..<count { produced += body() }
        let cpu1 = Clocks.threadCPU(), wall1 = Clocks.wall()
        wall.append((wall1 - wall0) / UInt64(count))
        cpu.append((cpu1 - cpu0) / UInt64(count))
        return produced
    }

    var wallSummary: TimingSummary { TimingSummary(wall) }
    var cpuSummary: TimingSummary { TimingSummary(cpu) }
}

/// Every cycle timed on its own: a cycle is a millisecond or more, far above the clocks' own cost.
private struct CycleTimes {
    var wall: [UInt64] = []
    var cpu: [UInt64] = []

    mutating func time(_ count: Int, _ body: () throws -> Void) throws {
        for _ in 0..<count {
            let wall0 = Clocks.wall(), cpu0 = Clocks.threadCPU()
            try body()
            let cpu1 = Clocks.threadCPU(), wall1 = Clocks.wall()
            wall.append(wall1 - wall0)
            cpu.append(cpu1 - cpu0)
        }
    }

    mutating func append(_ other: CycleTimes) {
        wall += other.wall
        cpu += other.cpu
    }

    var wallSummary: TimingSummary { TimingSummary(wall) }
    var cpuSummary: TimingSummary { TimingSummary(cpu) }
}

// MARK: Report

private struct DecodedDevice: Encodable {
    var profile: String
    var fixture: Int
    /// Point instances decoded (not missing), including points that carry no metric.
    var values: Int
    var readings: Int
    var outlets: Int
}

private struct DecodeFigures: Encodable {
    var pdu: DecodedDevice
    var ups: DecodedDevice
    var readingsPerIteration: Int
    var iterations: Int
    var batches: Int
    /// Per PDU+UPS decode with readings: the distribution of the batches' means.
    var cpu: TimingSummary
    var wall: TimingSummary
    var pduCPU: TimingSummary
    var upsCPU: TimingSummary
    var targetCPUNs: UInt64 = 20_000

    enum CodingKeys: String, CodingKey {
        case pdu, ups, readingsPerIteration = "readings_per_iteration", iterations, batches
        case cpu = "cpu_ns_per_iteration", wall = "wall_ns_per_iteration", pduCPU = "pdu_cpu_ns", upsCPU = "ups_cpu_ns"
        case targetCPUNs = "target_cpu_ns"
    }
}

private struct SideFigures: Encodable {
    var wall: TimingSummary
    var cpu: TimingSummary
    enum CodingKeys: String, CodingKey { case wall = "wall_ns_per_cycle", cpu = "cpu_ns_per_cycle" }
}

private struct PollFigures: Encodable {
    var pdu: String
    var ups: String
    var interRequestDelayNs: Int
    var requestsPerCycle: Int
    var readingsPerCycle: Int
    var cycles: Int
    var rounds: Int
    var ours: SideFigures
    var raw: SideFigures
    /// Median wall per cycle, ours over raw.
    var ratio: Double
    /// Each round's median ratio: how much the machine's noise moves the figure.
    var roundRatios: RatioSpread
    var targetRatio = 1.2

    /// Median CPU per cycle, ours minus raw: the stack's own work (decode included), free of network waits.
    var cpuOverheadNs: Int64

    enum CodingKeys: String, CodingKey {
        case pdu, ups, interRequestDelayNs = "inter_request_delay_ns", requestsPerCycle = "requests_per_cycle"
        case readingsPerCycle = "readings_per_cycle", cycles, rounds, ours, raw, ratio
        case roundRatios = "round_ratios", targetRatio = "target_ratio", cpuOverheadNs = "cpu_overhead_ns_per_cycle"
    }
}

private struct RatioSpread: Encodable {
    var minimum: Double
    var median: Double
    var maximum: Double

    init(_ ratios: [Double]) {
        let sorted = ratios.sorted()
        minimum = sorted.first ?? 0
        median = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        maximum = sorted.last ?? 0
    }
}

private struct ModbusBenchReport: Encodable {
    var decode: DecodeFigures
    var poll: PollFigures?

    var text: String {
        var lines: [String] = []
        let d = decode
        lines.append(
            "DECODE  \(d.pdu.profile) fixture \(d.pdu.fixture) (\(d.pdu.outlets) outlets: \(d.pdu.values) values, \(d.pdu.readings) readings) + "
                + "\(d.ups.profile) fixture \(d.ups.fixture) (\(d.ups.values) values, \(d.ups.readings) readings): "
                + "\(d.pdu.values + d.ups.values) values and \(d.readingsPerIteration) readings per iteration")
        lines.append(
            "        \(d.iterations) iterations in \(d.batches) batches; figures are per PDU+UPS decode with readings, over the batches' means")
        lines.append(table([
            ["", "CPU median", "CPU min", "CPU max", "WALL median"],
            ["PDU + UPS", micro(d.cpu.medianNs), micro(d.cpu.minimumNs), micro(d.cpu.maximumNs), micro(d.wall.medianNs)],
            ["PDU alone", micro(d.pduCPU.medianNs), micro(d.pduCPU.minimumNs), micro(d.pduCPU.maximumNs), ""],
            ["UPS alone", micro(d.upsCPU.medianNs), micro(d.upsCPU.minimumNs), micro(d.upsCPU.maximumNs), ""],
        ]))
        lines.append("target ≤ \(micro(d.targetCPUNs)) CPU: \(d.cpu.medianNs <= d.targetCPUNs ? "met" : "NOT MET")")
        guard let p = poll else {
            lines.append("")
            lines.append("POLL    not measured (give --pdu HOST:PORT and --ups HOST:PORT)")
            return lines.joined(separator: "\n")
        }
        lines.append("")
        lines.append("POLL    one cycle = \(p.pdu) + \(p.ups)")
        lines.append(
            "        \(p.requestsPerCycle) requests and \(p.readingsPerCycle) readings per cycle; \(p.cycles) cycles per side in "
                + "\(p.rounds) alternating rounds; inter_request_delay 0 on both sides (pacing excluded)")
        lines.append(table([
            ["", "WALL median", "WALL p99", "CPU median", "CPU p99"],
            ["greencap poll stack", milli(p.ours.wall.medianNs), milli(p.ours.wall.p99Ns), micro(p.ours.cpu.medianNs), micro(p.ours.cpu.p99Ns)],
            ["raw libmodbus", milli(p.raw.wall.medianNs), milli(p.raw.wall.p99Ns), micro(p.raw.cpu.medianNs), micro(p.raw.cpu.p99Ns)],
        ]))
        lines.append(
            "overhead ratio (median wall, ours/raw): \(fixed(p.ratio, 3)); "
                + "target ≤ \(fixed(p.targetRatio, 1)): \(p.ratio <= p.targetRatio ? "met" : "NOT MET")")
        lines.append(
            "        per round: median \(fixed(p.roundRatios.median, 3)), min \(fixed(p.roundRatios.minimum, 3)), "
                + "max \(fixed(p.roundRatios.maximum, 3)); "
                + "CPU per cycle beyond raw libmodbus: \(fixed(Double(p.cpuOverheadNs) / 1000, 1)) µs")
        return lines.joined(separator: "\n")
    }
}

private func milli(_ nanoseconds: UInt64) -> String { "\(fixed(Double(nanoseconds) / 1_000_000, 3)) ms" }

private func jsonData(_ value: some Encodable) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    var data = try encoder.encode(value)
    data.append(Data("\n".utf8))
    return data
}
