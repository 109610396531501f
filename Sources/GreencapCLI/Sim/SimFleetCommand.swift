import ArgumentParser
import Foundation
import Wire
import WireClient

/// `greencap sim fleet`: N simulated nodes streaming `NodeStreamModel` telemetry to a collector as fast as it
/// acknowledges (or at the data's own pace with --realtime); reports samples sent, acknowledged, lost and
/// reconnects. The ingest benchmark (scripts/bench.sh) runs it.
struct SimFleetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "Stream simulated node telemetry to a collector's ingest port and report throughput.")

    @Option(help: "The collector's ingest address, HOST:PORT.")
    var collector: String

    @Option(help: "Simulated nodes (one connection each).")
    var nodes: Int

    @Option(name: .customLong("keys-dir"), help: "Directory of <node-id>.key files (greencap sim keys writes them).")
    var keysDir: String

    @Option(help: "Node id prefix, as given to sim keys.")
    var prefix = "sim-"

    @Option(help: "How long to send, in seconds.")
    var seconds = 10.0

    @Option(help: "Sample rate of every series, e.g. 1Hz.")
    var rate = "1Hz"

    @Option(help: "Time covered by one batch, e.g. 10s.")
    var batch = "10s"

    @Option(help: "Batches a node may have unacknowledged before it waits.")
    var window = 16

    @Flag(help: "Send at the data's own pace (one batch per --batch of wall time) instead of as fast as acked.")
    var realtime = false

    @Option(name: .customLong("collector-pid"), help: "Report this process's CPU and memory over the run.")
    var collectorPID: Int32?

    func run() async throws {
        guard let colon = collector.lastIndex(of: ":"), let port = Int(collector[collector.index(after: colon)...]) else {
            throw ValidationError("--collector must be HOST:PORT")
        }
        let host = String(collector[..<colon])
        guard rate.hasSuffix("Hz"), let hertz = Double(rate.dropLast(2)), hertz > 0, hertz <= 1000 else {
            throw ValidationError("--rate must look like 1Hz (0 < rate ≤ 1000)")
        }
        guard batch.hasSuffix("s"), let batchSeconds = Double(batch.dropLast()), batchSeconds > 0 else {
            throw ValidationError("--batch must look like 10s")
        }
        let ticks = max(1, Int((batchSeconds * hertz).rounded()))
        guard ticks <= WireLimits.standard.maxTicksPerBatch else { throw ValidationError("--batch × --rate exceeds 3600 ticks") }
        guard nodes >= 1, window >= 1 else { throw ValidationError("--nodes and --window must be at least 1") }

        let plan = FleetLoad.Plan(
            host: host, port: port, nodes: nodes, prefix: prefix, keysDirectory: keysDir, seconds: seconds, ticks: ticks,
            intervalMs: Int64((1000 / hertz).rounded()), window: window, realtime: realtime)
        let probe = collectorPID.map { ProcessProbe(pid: $0) }
        let report = try await FleetLoad(plan: plan).run()
        var line = report.summary
        if let probe, let usage = probe.finish(wallSeconds: report.wallSeconds) { line += " " + usage }
        print(line)
        if report.lost > 0 { throw ExitCode(1) }
    }
}

/// CPU time and resident memory of another process, from /proc.
struct ProcessProbe {
    let pid: Int32
    let startTicks: Int

    init(pid: Int32) {
        self.pid = pid
        startTicks = Self.cpuTicks(pid) ?? 0
    }

    func finish(wallSeconds: Double) -> String? {
        guard let end = Self.cpuTicks(pid) else { return nil }
        let hz = Double(sysconf(Int32(_SC_CLK_TCK)))
        let cpu = Double(end - startTicks) / hz / wallSeconds * 100
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        func field(_ name: String) -> String {
            status.split(separator: "\n").first { $0.hasPrefix(name + ":") }.map {
                $0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces)
            } ?? "?"
        }
        return "collector_cpu_percent=\(String(format: "%.0f", cpu)) collector_rss=\"\(field("VmRSS"))\" collector_peak_rss=\"\(field("VmHWM"))\""
    }

    /// utime + stime, fields 14 and 15 of /proc/PID/stat (after the parenthesised name).
    static func cpuTicks(_ pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return user + system
    }
}
