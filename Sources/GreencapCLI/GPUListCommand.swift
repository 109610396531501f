import ArgumentParser
import GPU

/// `greencap gpu list`: which GPUs this node has and the power limits they accept.
struct GPUListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List GPUs: index, name, UUID, PCI bus, serial, limits.")

    @OptionGroup var options: GPUOptions

    func run() throws {
        let fleet = try options.openFleet()
        let reading = fleet.read()
        if options.json {
            try printJSON(GPUListReport(library: fleet.library, reading: reading))
            return
        }
        print("NVML \(fleet.library.path) · driver \(fleet.library.driverVersion) · \(reading.gpus.count) GPU(s)")
        let header = ["GPU", "NAME", "UUID", "PCI BUS", "SERIAL", "LIMITS min–max (default)"]
        var rows = [header]
        for gpu in reading.gpus {
            rows.append([
                "\(gpu.identity.index)", gpu.identity.name, gpu.identity.uuid, gpu.identity.pciBusID ?? "—",
                gpu.identity.serial ?? "—",
                "\(watts(gpu.limits.minimum))–\(watts(gpu.limits.maximum)) (\(watts(gpu.limits.defaultLimit)))",
            ])
        }
        print(table(rows))
        for gone in reading.lost { print("GPU \(gone.index) \(gone.uuid ?? ""): LOST: \(gone.failure)") }
    }
}

struct GPUListReport: Encodable {
    var library: String
    var driverVersion: String
    var gpus: [GPUIdentity]
    var lost: [GPUReadReport.Lost]
    enum CodingKeys: String, CodingKey { case library, driverVersion = "driver_version", gpus, lost }

    init(library: NVMLLibrary, reading: FleetReading) {
        self.library = library.path
        driverVersion = library.driverVersion
        gpus = reading.gpus.map(\.identity)
        lost = reading.lost.map(GPUReadReport.Lost.init)
    }
}
