import ArgumentParser
import Wire

/// `greencap wire`: tools for the agent–collector protocol (docs/protocol.md). Hidden: for developers.
struct WireCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wire",
        abstract: "Agent–collector protocol tools.",
        shouldDisplay: false,
        subcommands: [WireSizeCommand.self])
}

/// `greencap wire size`: what one node's telemetry costs on the wire, against the text formats it replaces.
/// docs/protocol.md quotes its output.
struct WireSizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "size",
        abstract: "Bytes per sample: Greencap binary vs JSON, Influx line protocol and Prometheus remote-write.",
        discussion: """
            The stream is NodeStreamModel's: 8 GPUs × 8 fields, a 24-outlet PDU and its inlet, a UPS; 1 Hz; \
            batches of --ticks seconds. Deterministic for a given --seed.
            """,
        shouldDisplay: false)

    @Option(help: "Batches to encode.")
    var batches = 360

    @Option(help: "Ticks (seconds) per batch.")
    var ticks = 10

    @Option(help: "Seed of the generated stream.")
    var seed: UInt64 = 1

    func run() throws {
        let sizes = try EncodingSizes.measure(batches: max(1, batches), ticks: max(1, ticks), seed: seed)
        print("\(sizes.samples) samples in \(sizes.batches) batches of \(ticks) s, 94 series")
        print(row("encoding", "bytes", "bytes/sample"))
        print(row("greencap", sizes.wireBytes, sizes.wirePerSample))
        print(row("greencap + dictionary", sizes.wireBytes + sizes.dictionaryBytes, sizes.wireWithDictionaryPerSample))
        print(row("json", sizes.jsonBytes, sizes.jsonPerSample))
        print(row("influx line protocol", sizes.influxBytes, sizes.influxPerSample))
        let remote = try WireRemoteWriteSize.measure(batches: max(1, batches), ticks: max(1, ticks), seed: seed)
        print(row("remote-write protobuf", remote.protobufBytes, Double(remote.protobufBytes) / Double(max(1, remote.samples))))
        print(row("remote-write + snappy", remote.snappyBytes, Double(remote.snappyBytes) / Double(max(1, remote.samples))))
    }

    private func row(_ name: String, _ bytes: Int, _ perSample: Double) -> String {
        let hundredths = Int((perSample * 100).rounded())
        let fraction = hundredths % 100
        return row(name, String(bytes), "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)")
    }

    private func row(_ name: String, _ bytes: String, _ perSample: String) -> String {
        name.padding(toLength: 24, withPad: " ", startingAt: 0)
            + String(repeating: " ", count: max(0, 12 - bytes.count)) + bytes
            + String(repeating: " ", count: max(0, 14 - perSample.count)) + perSample
    }
}
