import Collector
import GreencapCore

/// The live table. Shows only what the running system measured: columns whose source is not built yet
/// say so instead of showing a number.
struct DemoScreen {
    struct Row {
        var name: String
        var record: NotifyRecord
        var watchdogOK: Bool
    }

    let settings: DemoSettings
    let databasePath: String
    let interactive: Bool

    /// What the policy issuer is doing now.
    struct PolicyLine {
        var score: Double
        var phase: DemoEvents.Phase
        var events: DemoEvents

        var text: String {
            var line = "Policy     renewable tiers 3/4/5/6 kW per node at score 0/0.3/0.5/0.7 · issued at score \(fixed(score, 2)) · lease 5 s, renewed every second"
            switch phase {
            case .normal: break
            case .feedOutage: line += "\n           FEED OUTAGE: the score is not refreshed; agents go to their safe cap (4 kW) once it is 3 s old"
            case .upsOnBattery: line += "\n           UPS ON BATTERY: agents go to their emergency cap (2.5 kW) in the tick they see it"
            }
            if events.runSeconds >= DemoEvents.shortestRunWithFaults {
                line += "\n           Scripted: feed outage at \(Int(events.feedOutageStart)) s, UPS on battery at \(Int(events.upsStart)) s"
            }
            return line
        }
    }

    func render(elapsed: Duration, latest: SQLiteStore.GridHour?, hoursStored: Int, policy: PolicyLine, rows: [Row]) -> String {
        var lines: [String] = []
        let limit = settings.seconds > 0 ? "/\(settings.seconds)s" : ""
        lines.append(
            "Greencap demo · \(elapsed.components.seconds)s\(limit) · replay at \(settings.speed)× · Ctrl-C stops")
        if let hour = latest {
            let wind = hour.windMW.map { "\(thousands($0)) MW" } ?? "not published"
            lines.append("Simulated  \(Timestamp.format(hour.startUTC)) KST (hour starting)")
            lines.append(
                "Jeonnam    solar \(thousands(hour.solarMW)) MW · wind \(wind) · green score \(fixed(hour.greenScore, 2)) \(bar(hour.greenScore))"
            )
        } else {
            lines.append("Simulated  (no grid hour recorded yet)")
        }
        lines.append("Store      \(hoursStored) grid hours in \(databasePath)")
        lines.append(policy.text)
        lines.append("")
        lines.append(pad("PROCESS", 12) + pad("STATE", 9) + pad("WATCHDOG", 14) + "STATUS (as the daemon reports it over sd_notify)")
        for row in rows {
            let state = row.record.stopping ? "stopping" : row.record.ready ? "ready" : "starting"
            let watchdog = row.record.watchdogPings == 0 ? "pending" : (row.watchdogOK ? "ok" : "MISSED") + " (\(row.record.watchdogPings))"
            lines.append(pad(row.name, 12) + pad(state, 9) + pad(watchdog, 14) + String(row.record.status.prefix(170)))
        }
        lines.append("")
        lines.append("Each agent reads 8 simulated H100 SXM GPUs through the NVML simulator (libgreencap-nvml-sim.so, loaded")
        lines.append("like the real driver), its rack PDU's two outlets and the UPS over Modbus TCP (greencap sim modbus; the")
        lines.append("PDU outlets draw the node's GPU watts + 900 W host load). Each agent caps its GPUs so the node follows the")
        lines.append("policy; every change is audited in \(settings.stateDirectory)/audit/ and, with every reading, sent to the")
        lines.append("collector over the binary protocol (spooled on disk first). The policy comes from the demo's policy file.")
        lines.append("Logs are in \(settings.stateDirectory)/logs/.")
        let body = lines.joined(separator: "\n") + "\n"
        // Home the cursor and clear the screen so the table redraws in place on a terminal.
        return interactive ? "\u{1B}[H\u{1B}[2J" + body : body + "\n"
    }
}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}

func thousands(_ value: Double) -> String {
    let whole = Int(value.rounded())
    let digits = String(abs(whole))
    var groups: [String] = []
    var end = digits.endIndex
    while end > digits.startIndex {
        let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
        groups.insert(String(digits[start..<end]), at: 0)
        end = start
    }
    return (whole < 0 ? "-" : "") + groups.joined(separator: ",")
}

func bar(_ score: Double, width: Int = 10) -> String {
    let filled = max(0, min(width, Int((score * Double(width)).rounded())))
    return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
}
