import ArgumentParser
import Foundation
import GreencapConfig
import GreencapCore

/// `greencap-collector token add|list|revoke`: API tokens for the CLI and scripts (docs/cli.md).
public struct TokenCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "greencap-collector token", abstract: "Create, list and revoke API tokens ([api] tokens_file). Secrets are stored hashed.",
        subcommands: [TokenAddCommand.self, TokenListCommand.self, TokenRevokeCommand.self])

    public init() {}
}

struct TokensFileOption: ParsableArguments {
    @Option(help: ArgumentHelp("The tokens file ([api] tokens_file in collector.toml).", valueName: "path"))
    var tokensFile: String
}

struct TokenAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Create a token and print its secret once (only its SHA-256 is stored).")

    @OptionGroup var file: TokensFileOption
    @Option(help: "Who holds it: the author name in audit records.") var name: String
    @Option(help: "viewer, energy, engineer or admin.") var role: String
    @Option(help: ArgumentHelp("How long it is valid, e.g. 90d, 12h (default: until revoked).", valueName: "duration")) var expires: String?

    func run() throws {
        guard let role = APIRole(rawValue: role) else {
            throw ValidationError("--role must be one of viewer, energy, engineer, admin, found '\(role)'")
        }
        var validFor: Duration?
        if let expires {
            guard let duration = parseLongDuration(expires), duration > .zero else {
                throw ValidationError("--expires: expected a duration such as 90d, 12h or 30m, found '\(expires)'")
            }
            validFor = duration
        }
        do {
            let (secret, entry) = try TokenFileEditor.add(path: file.tokensFile, name: name, role: role, validFor: validFor)
            print(secret)
            var note = "token '\(entry.name)' (\(entry.role)) added to \(file.tokensFile)"
            if let until = entry.expires { note += ", valid until \(Timestamp.formatRFC3339(until))" }
            printError(note + ". The secret above is shown only now: hand it to its holder (greencap --token-file).")
        } catch {
            printError(error.description)
            throw ExitCode(1)
        }
    }
}

struct TokenListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List tokens: name, role, created, expiry (never secrets).")

    @OptionGroup var file: TokensFileOption

    func run() throws {
        do {
            let entries = try TokenFileEditor.list(path: file.tokensFile)
            let now = Timestamp.nowMilliseconds() / 1000
            print("NAME".padding(16) + "ROLE".padding(10) + "CREATED".padding(22) + "EXPIRES")
            for entry in entries {
                var expires = entry.expires.map { Timestamp.formatRFC3339($0) } ?? "never"
                if let until = entry.expires, until <= now { expires += " (expired)" }
                print(entry.name.padding(16) + entry.role.rawValue.padding(10) + Timestamp.formatRFC3339(entry.created).padding(22) + expires)
            }
        } catch {
            printError(error.description)
            throw ExitCode(1)
        }
    }
}

struct TokenRevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Remove a token; the running collector refuses it within a second.")

    @OptionGroup var file: TokensFileOption
    @Option(help: "The token's name.") var name: String

    func run() throws {
        do {
            let removed = try TokenFileEditor.revoke(path: file.tokensFile, name: name)
            printError("token '\(removed.name)' (\(removed.role)) revoked from \(file.tokensFile)")
        } catch {
            printError(error.description)
            throw ExitCode(1)
        }
    }
}

/// "90d", "12h", "30m", "45s".
private func parseLongDuration(_ text: String) -> Duration? {
    let units: [Character: Int64] = ["d": 86400, "h": 3600, "m": 60, "s": 1]
    guard let last = text.last, let unit = units[last], let count = Int64(text.dropLast()), count >= 0, count < 100 * 365 else { return nil }
    return .seconds(count * unit)
}

private func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

extension String {
    fileprivate func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}
