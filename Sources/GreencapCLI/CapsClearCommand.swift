import ArgumentParser
import Collector

/// `greencap caps clear <id> --reason "..."`.
struct CapsClearCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clear", abstract: "Lift a cap set through the API before its lease ends (needs an engineer token).")

    @OptionGroup var client: CollectorClientOptions
    @Argument(help: "The cap's id, as `caps list` shows it (api-N).") var id: String
    @Option(help: "Why it is lifted: goes into the cap log.") var reason: String

    func validate() throws {
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--reason must say why the cap is lifted") }
        guard !id.isEmpty, !id.contains("/") else { throw ValidationError("'\(id)' is not a cap id such as api-3") }
    }

    func run() async throws {
        struct Body: Encodable { var reason: String }
        struct Reply: Decodable {
            var cleared: CapView
            var by: String
            var time: String
        }
        try await client.run { collector in
            let reply = try await collector.send(.DELETE, "/api/v1/caps/\(id)", json: Body(reason: reason))
            if client.json { return client.printRaw(reply) }
            let cleared = try reply.decode(Reply.self)
            print("cap \(cleared.cleared.id) on \(cleared.cleared.scope) \(cleared.cleared.name) cleared by \(cleared.by) at \(ClientInput.time(cleared.time))")
        }
    }
}
