import Foundation
import GreencapTestSupport

/// A real Prometheus (Debian's package) with the remote-write receiver on, in a temporary directory, on a free
/// loopback port. Queries go through Python's urllib so the check does not share our HTTP stack.
final class PrometheusServer {
    let process: Subprocess
    let port: Int
    let directory: TemporaryDirectory

    init() throws {
        let binary = try Peers.prometheusBinary()
        directory = try TemporaryDirectory.make()
        // No scrape jobs: everything in the TSDB arrives by remote-write.
        let config = try directory.write("prometheus.yml", "global:\n  scrape_interval: 1h\n  evaluation_interval: 1h\n")
        var lastOutput = ""
        for _ in 0..<3 {
            let port = try Peers.freeLoopbackPort()
            let process = try Subprocess(
                binary,
                [
                    "--config.file=\(config)", "--storage.tsdb.path=\(directory.path)/data", "--web.listen-address=127.0.0.1:\(port)",
                    "--web.enable-remote-write-receiver", "--storage.tsdb.retention.time=1d",
                ])
            if process.waitForOutput("Server is ready to receive web requests", timeout: .seconds(60)) {
                self.process = process
                self.port = port
                return
            }
            lastOutput = process.text
            process.signal(SIGKILL)
            process.wait(timeout: .seconds(5))
            // A port taken between our probe and Prometheus' bind: try another.
            guard lastOutput.contains("address already in use") else { break }
        }
        directory.remove()
        throw TestFailure("prometheus did not become ready:\n\(lastOutput)")
    }

    var writeURL: String { "http://127.0.0.1:\(port)/api/v1/write" }

    static func version() throws -> String {
        let (_, output) = try Subprocess.run(try Peers.prometheusBinary(), ["--version"])
        return output.split(separator: "\n").first.map(String.init) ?? output
    }

    /// GET on the HTTP API; returns the parsed `data` object of a success answer.
    func api(_ path: String, _ parameters: [String: String]) throws -> [String: Any] {
        let script = """
            import json, sys, urllib.parse, urllib.request
            url = sys.argv[1] + "?" + urllib.parse.urlencode(json.loads(sys.argv[2]))
            try:
                print(urllib.request.urlopen(url, timeout=10).read().decode())
            except urllib.error.HTTPError as e:
                print(e.read().decode())
            """
        let query = String(decoding: try JSONSerialization.data(withJSONObject: parameters), as: UTF8.self)
        let text = try Peers.runPython(script, ["http://127.0.0.1:\(port)\(path)", query])
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], object["status"] as? String == "success",
            let data = object["data"] as? [String: Any]
        else { throw TestFailure("prometheus answered \(path) with: \(text)") }
        return data
    }

    /// Raw samples of every series matching `selector` in the `window` before `at` (a range-vector query:
    /// stored timestamps and values, no step interpolation). Keyed by the series' labels.
    func rawSamples(_ selector: String, window: String, at: Double) throws -> [[String: String]: [(Int64, Double)]] {
        let data = try api("/api/v1/query", ["query": "\(selector)[\(window)]", "time": String(format: "%.3f", at)])
        guard data["resultType"] as? String == "matrix", let result = data["result"] as? [[String: Any]] else {
            throw TestFailure("unexpected query result: \(data)")
        }
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

    func stop() {
        process.signal(SIGTERM)
        process.wait(timeout: .seconds(20))
        directory.remove()
    }
}
