import Collector
import GreencapCore

/// Why the demo stopped.
enum StopReason: CustomStringConvertible {
    case timeLimit
    case interrupted
    case daemonExited(name: String, status: Int32)

    var description: String {
        switch self {
        case .timeLimit: "time limit"
        case .interrupted: "interrupted"
        case .daemonExited(let name, let status): "\(name) exited unexpectedly with status \(status)"
        }
    }
}

/// The closing report: what was replayed, what the green score did, and how every daemon ended.
struct DemoSummary {
    let reason: StopReason
    let elapsed: Duration
    /// Grid hours recorded during this run, oldest first.
    let hours: [SQLiteStore.GridHour]
    let children: [(name: String, status: Int32, record: NotifyRecord)]
    let databasePath: String
    let logDirectory: String
    let audit: DemoAudit
    let events: DemoEventLog
    let received: Received

    /// What reached the collector over the binary protocol.
    struct Received {
        var nodes: [NodeSummary]
        var audit: Int
    }

    /// Each scripted fault, and whether every node met it with the right cap: seen in its status line (resolution
    /// one status update, ≤ 1 s), timed exactly from the audit file when the fallback changed a limit.
    var faultReports: [(text: String, ok: Bool)] {
        events.spans.map { span in
            let (cause, what, expected) =
                span.phase == .upsOnBattery
                ? ("ups-on-battery", "UPS on battery", "emergency cap (UPS poll 0.5 s + one 1 s tick)")
                : ("feed-stale", "grid feed outage", "safe cap (feed_stale_after 3 s + one tick)")
            let nodes = children.map(\.name).filter { $0 != "collector" }
            let missing = nodes.filter { span.seen[$0] == nil }
            var text = "\(what) at \(Int(span.startSecond)) s: "
            guard missing.isEmpty else { return (text + "NOT MET by \(missing.joined(separator: ", ")) (\(expected))", false) }
            let shown = span.seen.values.map { Double($0 - span.startMilliseconds) / 1000 }
            text += "all \(nodes.count) nodes showed their \(expected) within \(fixed(shown.max() ?? 0, 1)) s"
            let changes = audit.reaction(cause: cause, after: span.startMilliseconds, before: span.endMilliseconds).values.compactMap { $0 }
            if let low = changes.min(), let high = changes.max() {
                text += "; \(changes.count) lowered their GPU limits after \(fixed(low, 2))–\(fixed(high, 2)) s"
            }
            if changes.count < nodes.count { text += "; \(nodes.count - changes.count) were already below it" }
            return (text, true)
        }
    }

    static let greenThreshold = 0.6

    var succeeded: Bool {
        if case .daemonExited = reason { return false }
        return children.allSatisfy { $0.status == 0 && $0.record.ready && $0.record.stopping } && faultReports.allSatisfy(\.ok)
            && received.nodes.count == children.count - 1 && received.audit > 0
    }

    func render() -> String {
        var lines = ["", "Demo stopped after \(elapsed.components.seconds) s (\(reason))."]
        if let first = hours.first, let last = hours.last {
            lines.append(
                "Replayed \(hours.count) hours of KPX Jeonnam data: \(Timestamp.format(first.startUTC)) to \(Timestamp.format(last.startUTC + 3600)) KST, stored in \(databasePath) (table grid_hour)."
            )
            let scores = hours.map(\.greenScore)
            let mean = scores.reduce(0, +) / Double(scores.count)
            let green = scores.filter { $0 >= Self.greenThreshold }.count
            if let peak = hours.max(by: { $0.greenScore < $1.greenScore }) {
                let wind = peak.windMW.map { "\(thousands($0)) MW" } ?? "not published"
                lines.append(
                    "Green score: mean \(fixed(mean, 2)); \(green) of \(hours.count) hours at or above \(fixed(Self.greenThreshold, 2)); peak \(fixed(peak.greenScore, 2)) at \(Timestamp.format(peak.startUTC)) KST (solar \(thousands(peak.solarMW)) MW, wind \(wind))."
                )
            }
        } else {
            lines.append("No grid hours were recorded.")
        }
        if audit.records.isEmpty {
            lines.append("Caps: no changes audited.")
        } else {
            let causes = audit.countsByCause.map { "\($0.cause) \($0.count)" }.joined(separator: ", ")
            lines.append("Caps: \(audit.records.count) GPU limit changes audited (\(causes)).")
        }
        for report in faultReports { lines.append("  " + report.text) }
        let series = received.nodes.reduce(0) { $0 + $1.seriesCount }
        lines.append(
            "Collector (binary protocol): \(received.nodes.count) nodes, \(series) series, \(received.audit) audit records received; "
                + "last batch sequence per node: " + received.nodes.map { "\($0.id) \($0.lastSequence)" }.joined(separator: ", ") + ".")
        for child in children {
            let seen = [child.record.ready ? "READY" : nil, child.record.stopping ? "STOPPING" : nil].compactMap { $0 }
            lines.append(
                "  \(pad(child.name, 11)) exit \(child.status) · saw \(seen.isEmpty ? "nothing" : seen.joined(separator: ", ")) · \(child.record.watchdogPings) watchdog pings"
            )
            if child.name != "collector" {
                for part in child.record.runningStatus.split(separator: ";").dropFirst() {
                    lines.append("  \(pad("", 11)) last status:\(part)")
                }
            }
        }
        lines.append("Logs: \(logDirectory)/. Result: \(succeeded ? "all daemons started, ran and stopped cleanly" : "FAILED (see above and the logs)").")
        return lines.joined(separator: "\n")
    }
}
