import Foundation
import GreencapCore
import GreencapTestSupport
import Testing

/// The dashboard rendered by a real browser (Debian's headless Chromium) against a real collector that real
/// agents fed: node rows carry the numbers the API gives for the same window, the fleet chart has its points,
/// the forecast its 48 hours, the caps panel each node's applied policy, and the page logs no error.
///
/// `GREENCAP_DASHBOARD_SCREENSHOT=docs/dashboard.png GREENCAP_DASHBOARD_REPLAY_SECONDS=240` also saves the
/// screenshot in docs/dashboard.md from a longer run.
@Suite("Dashboard in headless Chromium", .serialized)
struct DashboardSystemTests {
    static func eventually(timeout seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return condition()
    }

    @Test("renders a live fleet: node numbers, fleet chart, 48 h forecast, caps, no script errors")
    func rendersTheFleet() throws {
        let chromium = try Chromium()
        let environment = ProcessInfo.processInfo.environment
        let replaySeconds = environment["GREENCAP_DASHBOARD_REPLAY_SECONDS"].flatMap(Int.init) ?? 6
        let fleet = try DashboardFleet(replaySeconds: replaySeconds)
        defer { fleet.stop() }
        let count = DashboardFleet.nodes.count

        // The replay plays out, every node reports and applies the collector's policy.
        #expect(fleet.collector?.waitForOutput("reached the end of its file", timeout: .seconds(Double(replaySeconds) + 30)) == true, "\(fleet.log)")
        #expect(Self.eventually(timeout: 20) { fleet.sql("SELECT count(DISTINCT node_id) FROM policy_delivery WHERE outcome = 'applied'") == count }, "\(fleet.log)")
        #expect(Self.eventually(timeout: 20) { fleet.sql("SELECT count(*) FROM node WHERE rack IS NOT NULL") == count }, "placement: \(fleet.log)")
        Thread.sleep(forTimeInterval: 3)
        #expect(fleet.stopAgents().allSatisfy { $0 == 0 }, "\(fleet.log)")
        #expect(fleet.sql("SELECT count(DISTINCT node_id) FROM series WHERE metric = 'gpu_power_watts'") == count)

        let page = try chromium.render(fleet.url("/dashboard/#range=5m"), directory: fleet.directory)
        #expect(page.console.isEmpty, "the page logged: \(page.console)")
        let dom = page.dom
        #expect(dom.contains(#"data-state="ready""#), "\(dom.prefix(3000))")
        #expect(dom.firstMatch(#"<section id="errors"[^>]*hidden"#) != nil, "problems shown: \(dom.section(id: "errors") ?? "")")
        #expect(!dom.contains("panel-error"), "a panel shows an error: \(dom)")

        // Node rows: GPU power and cap as the API's own history gives them for the window the page used.
        let table = try #require(dom.section(id: "nodes-table"), "\(dom)")
        let from = try #require(table.firstMatch(#"data-from="([^"]+)""#)), to = try #require(table.firstMatch(#"data-to="([^"]+)""#))
        for node in DashboardFleet.nodes {
            let row = try #require(table.firstMatch(#"<tr data-node="\#(node.id)">(.*?)</tr>"#), "no row for \(node.id)")
            let watts = row.allMatches(#"data-watts="([^"]+)""#).compactMap(Double.init)
            let power = try Self.sumOfMeans(fleet, node: node.id, metric: "gpu_power_watts", from: from, to: to)
            let cap = try Self.sumOfMeans(fleet, node: node.id, metric: "gpu_power_limit_watts", from: from, to: to)
            #expect(watts.count == 2, "\(row)")
            #expect(abs((watts.first ?? -1) - power) < 0.01, "\(node.id) power: page \(watts), API \(power)")
            #expect(abs((watts.last ?? -1) - cap) < 0.01, "\(node.id) cap: page \(watts), API \(cap)")
            #expect(power > 500 && cap >= power * 0.8, "\(node.id): \(power) W of \(cap) W")
            #expect(row.contains(Self.wattsText(power)), "\(node.id): \(Self.wattsText(power)) not in \(row)")
            #expect(row.contains(">\(node.row)<") && row.contains(">\(node.rack)<") && row.contains("applied"), "\(row)")
        }

        // Rows and racks: nodes reporting / known.
        let rows = try #require(dom.section(id: "rows-table"))
        #expect(rows.firstMatch(#"<tr data-group="r1">.*?>(\d+ / \d+)<"#) == "3 / 3", "\(rows)")
        #expect(rows.firstMatch(#"<tr data-group="r2">.*?>(\d+ / \d+)<"#) == "1 / 1", "\(rows)")
        let racks = try #require(dom.section(id: "racks-table"))
        #expect(racks.firstMatch(#"<tr data-group="r1-a">.*?>(\d+ / \d+)<"#) == "2 / 2", "\(racks)")

        // The fleet chart: a power line over several steps, a cap line and the green score area.
        let chart = try #require(dom.section(id: "fleet-chart"))
        let points = Int(chart.firstMatch(#"data-points="(\d+)""#) ?? "") ?? 0
        #expect(points >= 4, "\(chart)")
        let line = chart.firstMatch(#"class="power" d="([^"]+)""#) ?? ""
        #expect(line.filter { $0 == "L" }.count >= points - 2, "\(line)")
        #expect(chart.contains(#"class="cap" d="M"#) && chart.contains(#"class="score-area" d="M"#), "\(chart)")

        // The forecast: 48 bars with the API's scores (the replay has ended, so it no longer changes).
        let forecast = try #require(dom.section(id: "forecast-chart"))
        #expect(forecast.contains(#"data-hours="48""#))
        let bars = forecast.allMatches(#"data-score="([^"]+)""#).compactMap(Double.init)
        let expected = (try fleet.json("/api/v1/grid/forecast")["hours"] as? [[String: Any]] ?? []).compactMap { $0["score"] as? Double }
        #expect(bars.count == 48 && expected.count == 48, "\(bars.count) bars, \(expected.count) API hours")
        #expect(zip(bars, expected).allSatisfy { abs($0 - $1) < 1e-12 }, "page \(bars) API \(expected)")

        // Caps and leases: every node's applied policy; recent cap changes from the agents' audit.
        let caps = try #require(dom.section(id: "caps"))
        for node in DashboardFleet.nodes { #expect(caps.contains(node.id), "\(node.id) not in \(caps)") }
        #expect(caps.contains("applied"))
        #expect(dom.section(id: "audit")?.contains("<tbody><tr") == true, "\(dom.section(id: "audit") ?? "")")

        if let screenshot = environment["GREENCAP_DASHBOARD_SCREENSHOT"] {
            try chromium.screenshot(fleet.url("/dashboard/#range=5m"), to: screenshot, directory: fleet.directory)
        }
    }

    @Test("with API tokens: the page shows the API's refusal and a token field, and loads with #token=")
    func tokenFromTheFragment() throws {
        let chromium = try Chromium()
        var secret = ""
        let fleet = try DashboardFleet(replaySeconds: 2, nodes: []) { file in
            let result = try Subprocess.run(
                try Paths.executable("greencap-collector"), ["token", "add", "--tokens-file", file, "--name", "wall-screen", "--role", "viewer"])
            guard result.status == 0, let line = result.output.split(separator: "\n").first(where: { $0.hasPrefix("gct_") }) else {
                throw TestFailure("token add failed: \(result.output)")
            }
            secret = String(line)
        }
        defer { fleet.stop() }
        #expect(fleet.collector?.waitForOutput("reached the end of its file", timeout: .seconds(30)) == true, "\(fleet.log)")

        let refusal = try fleet.refusal("/api/v1/nodes")
        let message = try #require(refusal.body["error"] as? String)
        #expect(refusal.status == 401, "\(refusal)")
        let refused = try chromium.render(fleet.url("/dashboard/"), directory: fleet.directory)
        #expect(refused.console.isEmpty, "\(refused.console)")
        #expect(refused.dom.contains(#"data-state="needs-token""#), "\(refused.dom.prefix(3000))")
        let auth = try #require(refused.dom.section(id: "auth"))
        #expect(!auth.prefix(200).contains("hidden"), "the token panel is hidden: \(auth)")
        let escaped = message.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        #expect(auth.contains(escaped) && auth.contains("(HTTP 401)"), "\(message) not in \(auth)")
        #expect(auth.contains(#"id="auth-token""#) && auth.contains(#"type="password""#))

        let page = try chromium.render(fleet.url("/dashboard/#token=\(secret)"), directory: fleet.directory)
        #expect(page.console.isEmpty, "\(page.console)")
        #expect(page.dom.contains(#"data-state="ready""#), "\(page.dom.prefix(3000))")
        #expect(!page.dom.contains("panel-error") && page.dom.contains("token from this session"), "\(page.dom)")
        #expect(!page.dom.contains(secret), "the token must not be written into the page")
        #expect(page.dom.section(id: "forecast-chart")?.contains(#"data-hours="48""#) == true)
    }

    @Test("the console check sees a page's console.error (it is not vacuous)")
    func consoleErrorsAreCaught() throws {
        let chromium = try Chromium()
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let page = try chromium.render("data:text/html,<script>console.error('greencap-console-probe')</script>", directory: directory)
        #expect(page.console.contains { $0.contains("greencap-console-probe") }, "\(page.console)")
    }

    /// Σ over the node's series of `metric` (one per GPU) of the series' mean over [from, to), from the API's
    /// per-node history: a different code path from the fleet endpoint the page reads.
    static func sumOfMeans(_ fleet: DashboardFleet, node: String, metric: String, from: String, to: String) throws -> Double {
        let body = try fleet.json("/api/v1/nodes/\(node)/history?metric=\(metric)&from=\(from)&to=\(to)")
        let series = body["series"] as? [[String: Any]] ?? []
        return series.reduce(0) { sum, entry in
            let values = (entry["points"] as? [[String: Any]] ?? []).compactMap { $0["value"] as? Double }
            return values.isEmpty ? sum : sum + values.reduce(0, +) / Double(values.count)
        }
    }

    /// The page's node figures: whole watts with thousands separators below 10 kW.
    static func wattsText(_ value: Double) -> String {
        let whole = Int(value.rounded())
        var digits = String(whole)
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + digits.suffix(3) + grouped
            digits = String(digits.dropLast(3))
        }
        return digits + grouped + " W"
    }
}

/// Debian's `chromium` in headless mode. A missing browser fails the test (scripts/install-deps.sh installs it).
struct Chromium {
    let path: String

    init() throws {
        let which = try Subprocess.run("/bin/sh", ["-c", "command -v chromium"])
        guard which.status == 0, let path = which.output.split(separator: "\n").first.map(String.init) else {
            throw TestFailure("chromium is not installed: run scripts/install-deps.sh (Debian package chromium)")
        }
        self.path = path
    }

    struct Page {
        var dom: String
        /// Console messages Chromium logged for the page (with --enable-logging=stderr).
        var console: [String]
    }

    /// --no-sandbox: the tests run as root in CI containers, where Chromium refuses to start sandboxed.
    func flags(_ directory: TemporaryDirectory) -> [String] {
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
            "--user-data-dir=\(directory.path)/chromium-profile", "--enable-logging=stderr", "--v=0",
        ]
    }

    /// Loads `url`, lets the page's first refresh finish (virtual time runs only while nothing is loading), and
    /// returns the DOM as rendered.
    func render(_ url: String, directory: TemporaryDirectory) throws -> Page {
        let dom = directory.path + "/dom.html", log = directory.path + "/chromium.log"
        let command = ([path] + flags(directory) + ["--virtual-time-budget=8000", "--dump-dom", url]).map(Self.quoted).joined(separator: " ")
        let run = try Subprocess.run("/bin/sh", ["-c", "\(command) > \(Self.quoted(dom)) 2> \(Self.quoted(log))"])
        let logText = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        guard run.status == 0 else { throw TestFailure("chromium exited \(run.status): \(run.output)\n\(logText)") }
        let console = logText.split(separator: "\n").filter { $0.contains("CONSOLE") }.map(String.init)
        return Page(dom: try String(contentsOfFile: dom, encoding: .utf8), console: console)
    }

    func screenshot(_ url: String, to file: String, directory: TemporaryDirectory) throws {
        let command = ([path] + flags(directory) + ["--hide-scrollbars", "--window-size=1280,1000", "--virtual-time-budget=8000", "--screenshot=\(file)", url])
            .map(Self.quoted).joined(separator: " ")
        let run = try Subprocess.run("/bin/sh", ["-c", command])
        guard run.status == 0, FileManager.default.fileExists(atPath: file) else { throw TestFailure("no screenshot: \(run.output)") }
    }

    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

extension String {
    /// The first capture group of `pattern` (dot matches newlines), or nil.
    func firstMatch(_ pattern: String) -> String? { allMatches(pattern).first }

    func allMatches(_ pattern: String) -> [String] {
        guard let expression = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]) else { return [] }
        return expression.matches(in: self, range: NSRange(startIndex..., in: self)).compactMap { match in
            let range = match.numberOfRanges > 1 ? match.range(at: 1) : match.range
            return Range(range, in: self).map { String(self[$0]) }
        }
    }

    /// The element with this id up to the next element with an id attribute at the panel level: enough to keep
    /// one panel's checks from reading another panel's markup.
    func section(id: String) -> String? {
        guard let start = range(of: #"id="\#(id)""#) else { return nil }
        let rest = self[start.lowerBound...]
        let ends = [#"<section "#, #"<div class="grid-"#, "<footer", "<h3"].compactMap { rest.dropFirst(10).range(of: $0)?.lowerBound }
        return String(rest[..<(ends.min() ?? rest.endIndex)])
    }
}
