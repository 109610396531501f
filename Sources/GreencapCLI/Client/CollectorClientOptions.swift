import ArgumentParser
import Foundation
import Logging

/// What every command that talks to the collector takes: `@OptionGroup var client: CollectorClientOptions`.
/// Address and token come from these flags, then `GREENCAP_COLLECTOR` / `GREENCAP_TOKEN`, then
/// `~/.config/greencap/config.toml` (docs/cli.md).
public struct CollectorClientOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Collector HTTP address, e.g. http://collector:8080 (else $GREENCAP_COLLECTOR, the config file, http://127.0.0.1:8080).", valueName: "url"))
    public var collector: String?

    @Option(help: ArgumentHelp("API token (else --token-file, $GREENCAP_TOKEN, token_file in the config file).", valueName: "secret"))
    public var token: String?

    @Option(help: ArgumentHelp("File whose first line is the API token.", valueName: "path"))
    public var tokenFile: String?

    @Flag(help: "Print the collector's JSON answer instead of a table.")
    public var json = false

    @Flag(help: "Say which collector and token are used and where each came from; log each request.")
    public var verbose = false

    public init() {}

    /// The resolved client; with `--verbose` its provenance goes to standard error.
    public func client() throws(CollectorClientError) -> CollectorClient {
        let settings = try ClientSettingsResolver().resolve(collector: collector, token: token, tokenFile: tokenFile)
        var logger = Logger(label: "greencap.client") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = verbose ? .debug : .warning
        if verbose { FileHandle.standardError.write(Data("greencap: \(settings.provenance)\n".utf8)) }
        return CollectorClient(settings: settings, logger: logger)
    }

    /// Runs a command's body against the collector: a `CollectorClientError` is printed as `greencap: ...`
    /// on standard error and becomes its exit status (64, 65, 69, 77), so scripts can tell the cases apart.
    public func run(_ body: (CollectorClient) async throws -> Void) async throws {
        do {
            let client = try client()
            try await body(client)
        } catch let error as CollectorClientError {
            FileHandle.standardError.write(Data("greencap: \(error)\n".utf8))
            throw ExitCode(error.exitCode)
        }
    }

    /// `--json`: the collector's answer exactly as it came (already the API's documented JSON).
    /// Plain write(2), not `FileHandle.write`: a reader that stops early (`| head`) must end the output
    /// quietly, and FileHandle traps on EPIPE.
    public func printRaw(_ reply: CollectorClient.Reply) {
        var bytes = [UInt8](reply.body)
        bytes.append(UInt8(ascii: "\n"))
        fflush(nil)
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress.map { $0 + written }, $0.count - written) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return }
            written += count
        }
    }
}
