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

    static let greenThreshold = 0.6

    var succeeded: Bool {
        if case .daemonExited = reason { return false }
        return children.allSatisfy { $0.status == 0 && $0.record.ready && $0.record.stopping }
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
