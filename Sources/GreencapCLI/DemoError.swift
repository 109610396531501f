/// Why the demo could not run, with what to do about it.
enum DemoError: Error, CustomStringConvertible {
    case spawnFailed(name: String, executable: String, reason: String)
    case socket(address: String, reason: String)
    case notReady(name: String, seconds: Int, log: String)
    case exitedEarly(name: String, status: Int32, log: String)
    case missingFile(what: String, tried: [String])
    case cannotWrite(path: String, reason: String)

    var description: String {
        switch self {
        case .spawnFailed(let name, let executable, let reason):
            "cannot start \(name) (\(executable)): \(reason); run `swift build` first"
        case .socket(let address, let reason):
            "cannot open notify socket \(address): \(reason)"
        case .notReady(let name, let seconds, let log):
            "\(name) did not report READY=1 within \(seconds) s; last log lines:\n\(log)"
        case .exitedEarly(let name, let status, let log):
            "\(name) exited with status \(status) before it was ready; last log lines:\n\(log)"
        case .missingFile(let what, let tried):
            "cannot find \(what); looked in:\n  " + tried.joined(separator: "\n  ")
        case .cannotWrite(let path, let reason):
            "cannot write \(path): \(reason)"
        }
    }
}
