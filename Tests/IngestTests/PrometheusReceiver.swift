import Foundation
import GreencapCore
import GreencapTestSupport

/// A real Prometheus (Debian's package, `scripts/install-deps.sh`) with the remote-write receiver on, that can
/// be killed and started again on the same port and data directory: the receiver of the collector's export.
/// Queries go through python3's urllib, so the check shares nothing with the collector's HTTP stack.
final class PrometheusReceiver: @unchecked Sendable {
    static let binary = "/usr/bin/prometheus"
    let directory: TemporaryDirectory
    let config: String
    private(set) var port = 0
    private(set) var process: Subprocess?

    init() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw TestFailure("\(Self.binary) is missing; `make test` installs the Debian package prometheus (scripts/install-deps.sh)")
        }
        directory = try TemporaryDirectory.make()
        // No scrape jobs: everything in the TSDB arrives by remote-write.
        config = try directory.write("prometheus.yml", "global:\n  scrape_interval: 1h\n  evaluation_interval: 1h\n")
    }

    var writeURL: String { "http://127.0.0.1:\(port)/api/v1/write" }

    /// Starts on a free port the first time, on the same port (and TSDB) after `kill`.
    func start() async throws {
        var lastOutput = ""
        for _ in 0..<3 {
            if port == 0 { port = LoopbackPort.unused() ?? 0 }
            let process = try Subprocess(
                Self.binary,
                [
                    "--config.file=\(config)", "--storage.tsdb.path=\(directory.path)/data", "--web.listen-address=127.0.0.1:\(port)",
                    "--web.enable-remote-write-receiver", "--storage.tsdb.retention.time=1d",
                ])
            if await CollectorUnderTest.poll(timeout: .seconds(60), { process.text.contains("Server is ready to receive web requests") || !process.isRunning }),
                process.isRunning
            {
                self.process = process
                return
            }
            lastOutput = process.text
            process.signal(SIGKILL)
            process.wait(timeout: .seconds(5))
            guard lastOutput.contains("address already in use") else { break }
            port = 0
        }
        throw TestFailure("prometheus did not become ready:\n\(lastOutput)")
    }

    func kill() {
        guard let process else { return }
        process.signal(SIGKILL)
        process.wait(timeout: .seconds(10))
        self.process = nil
    }

    /// Raw stored samples (a range-vector query) of every series matching `selector`, keyed by labels.
    func rawSamples(_ selector: String, window: String = "10m") throws -> [[String: String]: [(Int64, Double)]] {
        let script = """
            import json, sys, urllib.parse, urllib.request
            url = sys.argv[1] + "?" + urllib.parse.urlencode({"query": sys.argv[2]})
            try:
                print(urllib.request.urlopen(url, timeout=10).read().decode())
            except urllib.error.HTTPError as e:
                print(e.read().decode())
            """
        let (status, text) = try Subprocess.run(
            "/usr/bin/env", ["python3", "-c", script, "http://127.0.0.1:\(port)/api/v1/query", "\(selector)[\(window)]"])
        guard status == 0, let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            object["status"] as? String == "success", let data = object["data"] as? [String: Any],
            let result = data["result"] as? [[String: Any]]
        else { throw TestFailure("prometheus query \(selector) answered: \(text)") }
        var series: [[String: String]: [(Int64, Double)]] = [:]
        for entry in result {
            guard let metric = entry["metric"] as? [String: String], let values = entry["values"] as? [[Any]] else {
                throw TestFailure("unexpected series: \(entry)")
            }
            series[metric] = try values.map { pair in
                guard pair.count == 2, let seconds = (pair[0] as? NSNumber)?.doubleValue, let text = pair[1] as? String, let value = Double(text)
                else { throw TestFailure("unexpected sample: \(pair)") }
                return (Int64((seconds * 1000).rounded()), value)
            }
        }
        return series
    }

    deinit {
        process?.signal(SIGKILL)
        _ = process?.wait(timeout: .seconds(10))
        directory.remove()
    }
}
