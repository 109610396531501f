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

    func render(elapsed: Duration, latest: SQLiteStore.GridHour?, hoursStored: Int, rows: [Row]) -> String {
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
        lines.append("PDU outlets draw the node's GPU watts + 900 W host load). Not built yet: the cap controller, the HTTP API.")
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
