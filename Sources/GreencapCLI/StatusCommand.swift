import ArgumentParser
import Collector
import Foundation
import GreencapCore

/// `greencap status`: what every node draws against its cap, the green score in force, each node's lease and
/// last contact, with totals per site, row and rack.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Power, cap, green score, lease and last contact per site, row, rack and node.")

    @OptionGroup var client: CollectorClientOptions
    @Option(help: "Only this site.") var site: String?
    @Option(help: "Only this row.") var row: String?
    @Option(help: "Only this rack.") var rack: String?
    @Option(help: "Only this node.") var node: String?
    @Flag(help: "Print again every --interval until interrupted.") var watch = false
    @Option(help: ArgumentHelp("With --watch: how often, e.g. 2s.", valueName: "duration")) var interval = "2s"

    func validate() throws {
        if [site, row, rack, node].compactMap({ $0 }).count > 1 { throw ValidationError("give at most one of --site, --row, --rack, --node") }
        if watch { _ = try ClientInput.seconds(interval, flag: "--interval") }
    }

    func run() async throws {
        let period = try ClientInput.seconds(interval, flag: "--interval")
        try await client.run { collector in
            repeat {
                let reply = try await collector.get("/api/v1/status", query: [("site", site), ("row", row), ("rack", rack), ("node", node)])
                if client.json {
                    client.printRaw(reply)
                } else {
                    // Redraw in place on a terminal; piped, one screen after another.
                    if watch && isatty(STDOUT_FILENO) == 1 { print("\u{1B}[H\u{1B}[2J", terminator: "") }
                    print(Self.render(try reply.decode(StatusReply.self)))
                    // Piped (watch | tee), stdout is block-buffered: flush all streams so each screen goes out when drawn.
                    fflush(nil)
                }
                if watch { try await Task.sleep(for: .seconds(period)) }
            } while watch
        }
    }

    static func render(_ reply: StatusReply) -> String {
        var text = "green score "
        text += reply.greenScore.map { String(format: "%.2f", $0) } ?? "unknown"
        if let updated = reply.greenScoreUpdated { text += " (updated \(ClientInput.time(updated)))" }
        text += " at \(ClientInput.time(reply.time))\n\n"
        func group(_ title: String, _ key: (StatusReply.Node) -> String?) -> String? {
            let names = Set(reply.nodes.compactMap(key)).sorted()
            guard !names.isEmpty else { return nil }
            var rows = [[title, "NODES", "POWER", "CAP"]]
            for name in names {
                let members = reply.nodes.filter { key($0) == name }
                let power = members.compactMap(\.powerWatts)
                let cap = members.compactMap(\.capWatts)
                rows.append([
                    name, "\(members.count)", power.isEmpty ? "-" : ClientInput.power(power.reduce(0, +)),
                    cap.isEmpty ? "-" : ClientInput.power(cap.reduce(0, +)),
                ])
            }
            return table(rows)
        }
        for section in [group("SITE", \.site), group("ROW", \.row), group("RACK", \.rack)].compactMap({ $0 }) { text += section + "\n\n" }
        var rows = [["NODE", "SITE", "ROW", "RACK", "POWER", "CAP", "LEASE UNTIL", "LAST SEEN"]]
        for node in reply.nodes {
            rows.append([
                node.node, node.site ?? "-", node.row ?? "-", node.rack ?? "-", ClientInput.power(node.powerWatts), ClientInput.power(node.capWatts),
                node.leaseExpires.map(ClientInput.time) ?? (node.policyOutcome ?? "no policy"), ClientInput.time(node.lastSeen),
            ])
        }
        text += reply.nodes.isEmpty ? "no nodes have connected to this collector yet" : table(rows)
        return text
    }
}
