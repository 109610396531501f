import ArgumentParser
import GPU

/// `greencap gpu probe`: the real-driver check. Which calls and fields the driver supports, and what each
/// costs (median and p99 over many calls). Read-only: it never sets a limit.
struct GPUProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Measure every NVML call Greencap makes (support, median and p99 latency); read-only.",
        discussion: "Run on a GPU node and record what it finds in Firmware-Notes/nvml.md. scripts/nvml-real-check.sh wraps it.")

    @OptionGroup var options: GPUOptions

    @Option(help: "Calls per measurement.")
    var iterations = 1000

    @Flag(help: "Time calls on every GPU, not only the first.")
    var allGPUs = false

    func run() throws {
        let location = try options.location()
        let report: NVMLProbe.Report
        do {
            report = try NVMLProbe(iterations: iterations, allGPUs: allGPUs, logger: cliLogger()).run(path: location.path)
        } catch {
            throw CLIError("\(error)\n(library: \(location))")
        }
        if options.json {
            try printJSON(report)
            return
        }
        print("NVML \(report.library) · driver \(report.driverVersion) · NVML \(report.nvmlVersion ?? "unknown")")
        print("nvmlInit_v2: \(micro(report.initWallNs)) · \(report.gpus.count) GPU(s) answering, \(report.lostGPUs.count) lost")
        if !report.missingOptionalFunctions.isEmpty {
            print("not exported: " + report.missingOptionalFunctions.joined(separator: ", "))
        }
        var rows = [["GPU", "CALL", "RESULT", "MEDIAN", "P99"]]
        for call in report.calls {
            rows.append([
                "\(call.gpu)", call.function, call.result, call.timing.map { micro($0.medianNs) } ?? "",
                call.timing.map { micro($0.p99Ns) } ?? "",
            ])
        }
        print(table(rows))
        print("")
        var reads = [["FULL READ", "CALLS", "WALL median", "WALL p99", "CPU median", "CPU p99"]]
        for read in report.fleetReads {
            reads.append([
                read.mode, "\(read.callsPerRead)", micro(read.wall.medianNs), micro(read.wall.p99Ns), micro(read.threadCPU.medianNs),
                micro(read.threadCPU.p99Ns),
            ])
        }
        if let raw = report.rawLibraryCPU {
            reads.append(["raw library calls", "\(report.rawCallsPerRead ?? 0)", "", "", micro(raw.medianNs), micro(raw.p99Ns)])
        }
        print(table(reads))
        if let raw = report.rawLibraryCPU, let batched = report.fleetReads.first {
            let overhead = Int64(batched.threadCPU.medianNs) - Int64(raw.medianNs)
            print("binding CPU overhead per full read (batched median − raw median): \(fixed(Double(overhead) / 1000, 1)) µs")
        }
    }
}

func micro(_ nanoseconds: UInt64) -> String { "\(fixed(Double(nanoseconds) / 1000, 1)) µs" }
