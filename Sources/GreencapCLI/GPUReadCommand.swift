import ArgumentParser
import GPU
import GreencapCore

/// `greencap gpu read`: one read of every field of every GPU.
struct GPUReadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read", abstract: "Read power, energy, temperature, utilisation, clocks, limits and clock-event reasons.")

    @OptionGroup var options: GPUOptions

    func run() throws {
        let fleet = try options.openFleet()
        let reading = fleet.read()
        if options.json {
            try printJSON(GPUReadReport(library: fleet.library, reading: reading))
            return
        }
        print(
            "NVML \(fleet.library.path) · driver \(fleet.library.driverVersion) · \(reading.calls) NVML calls"
                + (reading.batched ? " (batched field reads)" : " (one call per value)"))
        var rows = [["GPU", "POWER avg/inst", "ENERGY", "TEMP", "UTIL gpu/mem", "SM", "LIMIT req/enforced", "CLOCK EVENTS"]]
        for gpu in reading.gpus {
            rows.append([
                "\(gpu.identity.index)",
                "\(watts(gpu.powerAverage, decimals: 1)) / \(watts(gpu.powerInstant, decimals: 1))",
                gpu.energy.map { "\(fixed($0.joules / 1000, 3)) kJ" } ?? "—",
                gpu.temperatureCelsius.map { "\($0) °C" } ?? "—",
                "\(gpu.gpuUtilizationPercent.map(String.init) ?? "—") / \(gpu.memoryUtilizationPercent.map { "\($0) %" } ?? "—")",
                gpu.smClockMHz.map { "\($0) MHz" } ?? "—",
                "\(watts(gpu.limits.requested)) / \(watts(gpu.limits.enforced))",
                gpu.clockEvents.map { $0.names.isEmpty ? "none" : $0.names.joined(separator: ",") } ?? "—",
            ])
        }
        print(table(rows))
        print("node GPU power \(watts(reading.totalPower, decimals: 1))")
        for gpu in reading.gpus where !gpu.missing.isEmpty {
            let fields = gpu.missing.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) (\($0.value))" }
            print("GPU \(gpu.identity.index) unavailable: " + fields.joined(separator: "; "))
        }
        for gone in reading.lost { print("GPU \(gone.index) \(gone.uuid ?? ""): LOST: \(gone.failure)") }
        if let failure = reading.libraryFailure { throw CLIError("NVML stopped working during the read: \(failure)") }
    }
}

func watts(_ power: Milliwatts?, decimals: Int = 0) -> String {
    guard let power else { return "—" }
    return decimals == 0 ? power.wholeWattsText : "\(fixed(power.watts, decimals)) W"
}

func fixed(_ value: Double, _ decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = Int64((value * scale).rounded())
    let whole = scaled / Int64(scale)
    let fraction = String(abs(scaled % Int64(scale)))
    let padded = String(repeating: "0", count: max(0, decimals - fraction.count)) + fraction
    return decimals == 0 ? "\(whole)" : "\(scaled < 0 && whole == 0 ? "-" : "")\(whole).\(padded)"
}

/// Left-aligned columns, two spaces apart.
func table(_ rows: [[String]]) -> String {
    guard let columns = rows.map(\.count).max() else { return "" }
    var widths = [Int](repeating: 0, count: columns)
    for row in rows { for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) } }
    return rows.map { row in
        row.enumerated().map { column, cell in
            column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count + 2)
        }.joined()
    }.joined(separator: "\n")
}
