import Controller
import GreencapCore
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// The policy from `[control] policy_file`, read again whenever the file changes (size, mtime or inode:
/// writers replace it by rename). A file that cannot be read or decoded leaves the last good policy in force,
/// which lapses to the safe cap at its lease end; each distinct problem is logged once.
///
/// Blocking file calls: used only from the control thread.
final class PolicyFileSource {
    let path: String
    private let logger: Logger
    private var signature: FileSignature?
    private(set) var policy: NodePolicy?
    private var lastProblem: String?

    init(path: String, logger: Logger) {
        self.path = path
        self.logger = logger
    }

    /// The policy in force after looking at the file once more.
    func poll(now: Int64) -> NodePolicy? {
        let current = FileSignature.of(path)
        guard current != .missing else {
            report("cannot read the policy file: \(String(cString: strerror(errno)))", now: now)
            return policy
        }
        if signature == current { return policy }
        signature = current
        let bytes: [UInt8]
        do {
            bytes = try TextFile.readBytes(path, limit: 4 << 20)
        } catch {
            report("cannot read the policy file: \(error)", now: now)
            return policy
        }
        do throws(PolicyDocumentError) {
            let fresh = try PolicyDocument.decode(bytes)
            let problems = fresh.problems(now: now)
            guard problems.isEmpty else {
                report("policy '\(fresh.id)' refused: " + problems.joined(separator: "; "), now: now)
                return policy
            }
            // Renewals arrive often; only a change of what the node must do is worth a log line.
            if fresh.rules != policy?.rules || fresh.greenScore != policy?.greenScore {
                logger.notice(
                    "policy received", metadata: ["policy": "\(fresh.id)", "file": "\(path)", "lease_s": "\((fresh.leaseExpiresAt - now) / 1000)"])
            }
            policy = fresh
            lastProblem = nil
        } catch {
            report("the policy file is invalid at \(error)", now: now)
        }
        return policy
    }

    private func report(_ problem: String, now: Int64) {
        guard problem != lastProblem else { return }
        lastProblem = problem
        let keeps = policy.map { "keeping policy '\($0.id)' until its lease ends" } ?? "no policy: the node stays at its safe cap"
        logger.error("\(problem); \(keeps)", metadata: ["file": "\(path)"])
    }
}
