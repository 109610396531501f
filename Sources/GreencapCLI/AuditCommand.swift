import ArgumentParser
import GreencapCore

/// `greencap audit`: cap changes as the agents applied them and as engineers made them, newest first.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Who or what changed which cap, when and why (agents' records and the collector's cap log).")

    @OptionGroup var client: CollectorClientOptions
    @Option(help: "Only this node.") var node: String?
    @Option(help: "Only changes by this person (token name).") var author: String?
    @Option(help: "Only this cause: hard-cap, renewable, lease-expired, ... (agents) or set, clear, expire (cap log).") var cause: String?
    @Option(help: ArgumentHelp("The last span: 2h, 30m, 7d (default 24h).", valueName: "duration")) var since: String?
    @Option(help: ArgumentHelp("From this RFC 3339 time.", valueName: "time")) var from: String?
    @Option(help: ArgumentHelp("Up to this RFC 3339 time (default now).", valueName: "time")) var to: String?
    @Option(help: "At most this many of each kind.") var limit: Int?

    func validate() throws {
        if since != nil && (from != nil || to != nil) { throw ValidationError("give --since or --from/--to, not both") }
        if let since { _ = try ClientInput.seconds(since, flag: "--since") }
        for (flag, value) in [("--from", from), ("--to", to)] {
            if let value, Timestamp.parseRFC3339(value) == nil {
                throw ValidationError("\(flag): expected an RFC 3339 time such as 2026-11-21T09:00:00Z, found '\(value)'")
            }
        }
    }

    func run() async throws {
        var fromText = from
        if let since {
            let seconds = try ClientInput.seconds(since, flag: "--since")
            fromText = Timestamp.formatRFC3339(Timestamp.nowMilliseconds() / 1000 - seconds)
        }
        struct Entry: Decodable {
            var node: String
            var time: String
            var gpu: Int?
            var oldWatts: Double?
            var newWatts: Double
            var cause: String
            var author: String?
        }
        struct Change: Decodable {
            var capId: String
            var action: String
            var scope: String
            var name: String
            var watts: Double
            var author: String
            var reason: String
            var time: String
        }
        struct Reply: Decodable {
            var entries: [Entry]?
            var capChanges: [Change]?
        }
        let query: [(String, String?)] = [
            ("node", node), ("author", author), ("cause", cause), ("from", fromText), ("to", to), ("limit", limit.map(String.init)),
        ]
        try await client.run { collector in
            let raw = try await collector.get("/api/v1/audit", query: query)
            if client.json { return client.printRaw(raw) }
            let reply = try raw.decode(Reply.self)
            var lines: [(time: String, cells: [String])] = []
            for change in reply.capChanges ?? [] {
                lines.append(
                    (change.time, [ClientInput.time(change.time), "\(change.scope) \(change.name)", "cap \(change.action) \(change.capId) \(ClientInput.power(change.watts))", change.author, change.reason]))
            }
            for entry in reply.entries ?? [] {
                let target = entry.gpu.map { "\(entry.node) gpu \($0)" } ?? entry.node
                lines.append(
                    (entry.time, [ClientInput.time(entry.time), target, "\(ClientInput.power(entry.oldWatts)) -> \(ClientInput.power(entry.newWatts))", entry.author ?? "-", entry.cause]))
            }
            guard !lines.isEmpty else { return print("no audit records match") }
            // RFC 3339 UTC strings of one format sort as times.
            lines.sort { $0.time > $1.time }
            print(table([["TIME", "WHERE", "CHANGE", "AUTHOR", "CAUSE / REASON"]] + lines.map(\.cells)))
        }
    }
}
