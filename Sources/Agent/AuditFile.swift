import Controller
import GreencapCore
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Cap-change audit records appended to a local file as JSON lines (one record per line, RFC 3339 times), so
/// the trail survives a restart and a silent collector (invariant 7). Past `limitBytes` the file is renamed
/// to `<path>.1` (replacing the previous generation) and a new one started.
///
/// Blocking file calls: used only from the control thread.
final class AuditFile {
    let path: String
    let limitBytes: Int64
    private let logger: Logger
    private var lastProblem: String?
    private(set) var written = 0
    private(set) var failed = 0

    init(path: String, limitBytes: Int64, logger: Logger) {
        self.path = path
        self.limitBytes = limitBytes
        self.logger = logger
    }

    func append(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        rotateIfFull()
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else { return problem("cannot open the audit file", lines.count) }
        defer { close(fd) }
        // One write per batch: O_APPEND keeps each batch whole even if a second writer appends.
        let bytes = Array(lines.joined(separator: "\n").utf8) + [UInt8(ascii: "\n")]
        let done = bytes.withUnsafeBytes { raw in write(fd, raw.baseAddress, raw.count) }
        guard done == bytes.count else { return problem("cannot write the audit file", lines.count) }
        written += lines.count
        lastProblem = nil
    }

    private func rotateIfFull() {
        var info = stat()
        guard stat(path, &info) == 0, Int64(info.st_size) >= limitBytes else { return }
        if rename(path, path + ".1") != 0 { problem("cannot rotate the audit file", 0) }
    }

    private func problem(_ what: String, _ records: Int) {
        failed += records
        let reason = String(cString: strerror(errno))
        guard reason != lastProblem else { return }
        lastProblem = reason
        logger.error(
            "\(what): records are kept in memory only", metadata: ["file": "\(path)", "error": "\(reason)", "records": "\(records)"])
    }

    /// One record as a JSON line. Hand-written: a handful of known fields, and no Foundation in the agent.
    static func line(_ record: AuditRecord, gpuUUID: String?, policyID: String?) -> String {
        var fields: [(String, String)] = [
            ("time", JSONString.quoted(Timestamp.formatRFC3339Milliseconds(record.time))), ("node", JSONString.quoted(record.node)),
        ]
        if let gpu = record.gpu { fields.append(("gpu", "\(gpu)")) }
        if let gpuUUID { fields.append(("gpu_uuid", JSONString.quoted(gpuUUID))) }
        if let old = record.old { fields.append(("old_w", watts(old))) }
        fields.append(("new_w", watts(record.new)))
        fields.append(("cause", JSONString.quoted(record.cause.code)))
        fields.append(("explanation", JSONString.quoted(record.cause.description)))
        if let author = record.author { fields.append(("author", JSONString.quoted(author))) }
        if let policyID { fields.append(("policy", JSONString.quoted(policyID))) }
        if let lease = record.leaseExpiresAt { fields.append(("lease_expires_at", JSONString.quoted(Timestamp.formatRFC3339Milliseconds(lease)))) }
        fields.append(("dry_run", record.dryRun ? "true" : "false"))
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    private static func watts(_ power: Milliwatts) -> String {
        power.value % 1000 == 0 ? "\(power.value / 1000)" : "\(Double(power.value) / 1000)"
    }
}
