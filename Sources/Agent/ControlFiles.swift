import Controller
import GreencapCore
import Logging

/// The controller's file I/O (policy file reads, audit appends), confined to a thread of its own so a slow
/// disk never stalls the cooperative pool.
final class ControlFiles: @unchecked Sendable {
    // Touched only from `thread`; that confinement is what makes the unchecked Sendable sound.
    private let policy: PolicyFileSource?
    private let audit: AuditFile
    private let thread = DedicatedThread(name: "greencap-control")

    init(policyFile: String?, auditFile: String, auditLimitBytes: Int64, logger: Logger) {
        policy = policyFile.map { PolicyFileSource(path: $0, logger: logger) }
        audit = AuditFile(path: auditFile, limitBytes: auditLimitBytes, logger: logger)
    }

    func currentPolicy(now: Int64) async -> NodePolicy? {
        await thread.run { [self] in policy?.poll(now: now) }
    }

    func append(_ lines: [String]) async {
        guard !lines.isEmpty else { return }
        await thread.run { [self] in audit.append(lines) }
    }

    func stop() { thread.stop() }
}
