import ArgumentParser
import Collector

/// `greencap caps list`: every cap in force (rules file and API) and what each node last received.
struct CapsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Caps in force (rules file and API) and each node's newest policy and its acknowledgement.")

    @OptionGroup var client: CollectorClientOptions

    func run() async throws {
        struct Delivery: Decodable {
            var node: String
            var policyId: String
            var sent: String
            var acked: String?
            var outcome: String?
            var reason: String?
        }
        struct Reply: Decodable {
            var caps: [CapView]
            var deliveries: [Delivery]?
        }
        try await client.run { collector in
            let raw = try await collector.get("/api/v1/caps")
            if client.json { return client.printRaw(raw) }
            let reply = try raw.decode(Reply.self)
            var rows = [["ID", "SOURCE", "SCOPE", "NAME", "TOTAL", "PER NODE", "EXPIRES", "AUTHOR", "REASON"]]
            for cap in reply.caps {
                rows.append([
                    cap.id, cap.source, cap.scope, cap.name, ClientInput.power(cap.watts), ClientInput.power(cap.nodeWatts),
                    cap.expires.map(ClientInput.time) ?? "never", cap.author, cap.reason,
                ])
            }
            print(reply.caps.isEmpty ? "no caps in force" : table(rows))
            if let deliveries = reply.deliveries, !deliveries.isEmpty {
                var delivered = [["NODE", "POLICY", "SENT", "ACKED", "OUTCOME"]]
                for delivery in deliveries {
                    delivered.append([
                        delivery.node, delivery.policyId, ClientInput.time(delivery.sent), ClientInput.time(delivery.acked),
                        (delivery.outcome ?? "waiting") + (delivery.reason.map { ": \($0)" } ?? ""),
                    ])
                }
                print("\n" + table(delivered))
            }
        }
    }
}
