import Foundation
import GreencapTestSupport
import Logging
import Testing

@testable import RemoteWrite

/// The client over real HTTP (AsyncHTTPClient) against a small Python receiver that decompresses each body
/// with cramjam and prints what it got, and answers from a list of statuses.
final class CapturingReceiver: Sendable {
    static let script = """
        import cramjam, http.server, json, sys
        statuses = [int(s) for s in sys.argv[1].split(",") if s]
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                try:
                    protobuf, error = bytes(cramjam.snappy.decompress_raw(body)).hex(), ""
                except Exception as e:
                    protobuf, error = "", str(e)
                record = {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                          "protobuf": protobuf, "error": error}
                print(json.dumps(record), flush=True)
                status = statuses.pop(0) if statuses else 204
                answer = b"" if status < 300 else ("status %d from the test receiver\\n" % status).encode()
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "0")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
            def log_message(self, *args):
                pass
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        print("listening on 127.0.0.1:%d" % server.server_address[1], flush=True)
        server.serve_forever()
        """

    let process: Subprocess
    let port: Int

    init(statuses: [Int]) throws {
        process = try Subprocess(try Peers.python(), ["-c", Self.script, statuses.map(String.init).joined(separator: ",")])
        guard process.waitForOutput("listening on 127.0.0.1:", timeout: .seconds(20)) else {
            process.signal(SIGKILL)
            throw TestFailure("capturing receiver did not start:\n\(process.text)")
        }
        let text = process.text
        guard let range = text.range(of: "listening on 127.0.0.1:"), let port = Int(text[range.upperBound...].prefix { $0.isNumber }) else {
            throw TestFailure("no port in: \(text)")
        }
        self.port = port
    }

    var url: String { "http://127.0.0.1:\(port)/api/v1/write" }

    struct Received {
        var headers: [String: String]
        var request: WriteRequest?
        var error: String
    }

    /// The first `count` requests received, in order, waiting for their lines to arrive through the pipe.
    func received(_ count: Int) throws -> [Received] {
        let deadline = ContinuousClock.now + .seconds(10)
        while records().count < count && ContinuousClock.now < deadline { usleep(10_000) }
        let lines = records()
        guard lines.count >= count else { throw TestFailure("receiver saw \(lines.count) requests, expected \(count):\n\(process.text)") }
        return try lines.prefix(count).map(parse)
    }

    private func records() -> [Substring] {
        process.text.split(separator: "\n").filter { $0.hasPrefix("{") }
    }

    private func parse(_ line: Substring) throws -> Received {
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let headers = object["headers"] as? [String: String], let hex = object["protobuf"] as? String
        else { throw TestFailure("bad record: \(line)") }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        let error = object["error"] as? String ?? ""
        return Received(headers: headers, request: error.isEmpty ? try WriteRequestDecoder.decode(bytes) : nil, error: error)
    }

    /// SIGKILL: it keeps nothing, and a child of the test runner may start with SIGTERM blocked.
    func stop() {
        process.signal(SIGKILL)
        process.wait(timeout: .seconds(5))
    }
}

@Suite(.serialized) struct HTTPReceiverTests {
    static let logger = Logger(label: "remote-write-http-test")

    static func configuration(_ url: String, _ authorization: RemoteWriteAuthorization = .none, retries: Int = 3, timeout: Duration = .seconds(10))
        -> RemoteWriteConfiguration
    {
        RemoteWriteConfiguration(
            endpoint: url, authorization: authorization, maximumSamplesPerRequest: 100, timeout: timeout,
            backoff: BackoffPolicy(retries: retries, base: .milliseconds(20), cap: .milliseconds(100)))
    }

    @Test func headersBodyAndRetriesOverRealHTTP() async throws {
        let receiver = try CapturingReceiver(statuses: [503, 429])
        defer { receiver.stop() }
        let client = RemoteWriteClient(configuration: Self.configuration(receiver.url, .basic(username: "gc", password: "pw")), logger: Self.logger)
        let request = EncodedSizeTests.fleet(nodes: 2, samplesPerSeries: 10)
        let report = try await client.write(request.timeseries)
        #expect(report.requests == 2 && report.attempts == 4 && report.samples == 160)
        let received = try receiver.received(4)
        for one in received {
            #expect(one.error == "")
            #expect(one.headers["content-encoding"] == "snappy")
            #expect(one.headers["content-type"] == "application/x-protobuf")
            #expect(one.headers["x-prometheus-remote-write-version"] == "0.1.0")
            #expect(one.headers["user-agent"] == "greencap/0.1.0")
            #expect(one.headers["authorization"] == "Basic Z2M6cHc=")
        }
        // The first request went out three times; the receiver's decoding of the last two is the input.
        #expect(received[0].request == received[2].request)
        let delivered = received[2...].flatMap { $0.request?.timeseries ?? [] }
        #expect(delivered == request.timeseries)
    }

    @Test func clientErrorIsReportedWithTheReceiversMessage() async throws {
        let receiver = try CapturingReceiver(statuses: [401])
        defer { receiver.stop() }
        let client = RemoteWriteClient(configuration: Self.configuration(receiver.url, .bearer(token: "wrong")), logger: Self.logger)
        await #expect(
            throws: RemoteWriteError.rejected(endpoint: receiver.url, status: 401, message: "status 401 from the test receiver", attempts: 1)
        ) {
            try await client.write(EncodedSizeTests.fleet(nodes: 1, samplesPerSeries: 1).timeseries)
        }
        #expect(try receiver.received(1).first?.headers["authorization"] == "Bearer wrong")
    }

    @Test func refusedConnectionsAreRetriedThenReported() async throws {
        let url = "http://127.0.0.1:\(try Peers.freeLoopbackPort())/api/v1/write"
        // AsyncHTTPClient keeps retrying a refused connect until the request's deadline: a short one keeps this quick.
        let client = RemoteWriteClient(configuration: Self.configuration(url, retries: 2, timeout: .milliseconds(500)), logger: Self.logger)
        do throws(RemoteWriteError) {
            try await client.write(EncodedSizeTests.fleet(nodes: 1, samplesPerSeries: 1).timeseries)
            Issue.record("a write to a closed port succeeded")
        } catch {
            guard case .gaveUp(let endpoint, let attempts, .connection) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(endpoint == url && attempts == 3)
            #expect("\(error)".contains(url))
        }
    }
}
