import ArgumentParser
import Collector
import NIOHTTP1

/// `greencap caps set --rack r07 --watts 40kW --lease 4h --reason "..."`.
struct CapsSetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Cap a site, row, rack, node or circuit for a while (needs an engineer token).",
        discussion: "--watts is the scope's total; the collector divides it equally among the scope's nodes (a circuit: by its weights).")

    @OptionGroup var client: CollectorClientOptions
    @Option(help: "Cap a whole site.") var site: String?
    @Option(help: "Cap a row.") var row: String?
    @Option(help: "Cap a rack.") var rack: String?
    @Option(help: "Cap one node.") var node: String?
    @Option(help: "Cap a PDU circuit (its circuit id in the collector's rules file).") var circuit: String?
    @Option(help: ArgumentHelp("The scope's total power: 40kW, 750W, 40000 (watts).", valueName: "power")) var watts: String
    @Option(help: ArgumentHelp("How long the cap lasts: 4h, 90m, 2d.", valueName: "duration")) var lease: String
    @Option(help: "Why: goes into every audit record the cap causes.") var reason: String

    func validate() throws {
        let scopes = [site, row, rack, node, circuit].compactMap { $0 }
        guard scopes.count == 1 else { throw ValidationError("give exactly one of --site, --row, --rack, --node, --circuit") }
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--reason must say why the cap is needed") }
        _ = try ClientInput.watts(watts, flag: "--watts")
        _ = try ClientInput.seconds(lease, flag: "--lease")
    }

    func run() async throws {
        struct Body: Encodable {
            var scope: String
            var name: String
            var watts: Double
            var leaseSeconds: Int64
            var reason: String
        }
        let (scope, name): (String, String) =
            if let site { ("site", site) } else if let row { ("row", row) } else if let rack { ("rack", rack) } else if let node { ("node", node) } else {
                ("circuit", circuit ?? "")
            }
        let body = Body(
            scope: scope, name: name, watts: try ClientInput.watts(watts, flag: "--watts"),
            leaseSeconds: try ClientInput.seconds(lease, flag: "--lease"), reason: reason)
        try await client.run { collector in
            let reply = try await collector.send(.POST, "/api/v1/caps", json: body)
            if client.json { return client.printRaw(reply) }
            let cap = try reply.decode(CapView.self)
            var line = "cap \(cap.id) set: \(cap.scope) \(cap.name) at \(ClientInput.power(cap.watts))"
            if let each = cap.nodeWatts, let nodes = cap.nodes { line += " (\(ClientInput.power(each)) on each of \(nodes.count) node(s))" }
            line += " until \(ClientInput.time(cap.expires)), by \(cap.author): \(cap.reason)"
            print(line)
        }
    }
}
