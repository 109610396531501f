import ArgumentParser

/// `greencap caps`: engineers' caps through the collector API.
struct CapsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "caps", abstract: "Set, clear and list power caps on sites, rows, racks, nodes and circuits (every change is audited).",
        subcommands: [CapsSetCommand.self, CapsClearCommand.self, CapsListCommand.self])
}

/// A cap as the API returns it (POST answer, GET list entries).
struct CapReply: Decodable {
    var id: String
    var scope: String
    var name: String
    var watts: Double?
    var nodeWatts: Double?
    var nodes: [String]?
    var author: String
    var reason: String
    var created: String
    var expires: String?
    var source: String
}
