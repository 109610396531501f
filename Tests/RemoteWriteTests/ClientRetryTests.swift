import Logging
import Testing

@testable import RemoteWrite

/// A receiver that answers from a script and remembers what it was sent.
actor ScriptedReceiver: RemoteWriteTransport {
    enum Answer: Sendable {
        case status(Int, retryAfter: Duration? = nil)
        case fail(RemoteWriteTransportFailure)
    }

    private var script: [Answer]
    private(set) var bodies: [[UInt8]] = []
    private(set) var headers: [[String: String]] = []

    init(_ script: [Answer]) { self.script = script }

    func post(url: String, headers: [(name: String, value: String)], body: [UInt8], timeout: Duration) async throws(RemoteWriteTransportFailure)
        -> RemoteWriteResponse
    {
        bodies.append(body)
        self.headers.append(Dictionary(headers.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 }))
        let answer = script.isEmpty ? .status(204) : script.removeFirst()
        switch answer {
        case .status(let code, let retryAfter): return RemoteWriteResponse(status: code, body: Array("answer \(code)\n".utf8), retryAfter: retryAfter)
        case .fail(let failure): throw failure
        }
    }

    /// What each request carried, decoded back.
    func requests() throws -> [WriteRequest] {
        try bodies.map { try WriteRequestDecoder.decode(SnappyDecompressor.decompress($0)) }
    }
}

actor SleepRecorder {
    private(set) var delays: [Duration] = []
    func record(_ delay: Duration) { delays.append(delay) }
}

@Suite struct ClientRetryTests {
    static let endpoint = "http://receiver.test/api/v1/write"

    static func client(_ receiver: ScriptedReceiver, sleeps: SleepRecorder, retries: Int = 3, maximumSamples: Int = 2000)
        -> RemoteWriteClient
    {
        let configuration = RemoteWriteConfiguration(
            endpoint: endpoint, authorization: .bearer(token: "t0k"), maximumSamplesPerRequest: maximumSamples,
            backoff: BackoffPolicy(retries: retries, base: .milliseconds(100), cap: .seconds(1)))
        return RemoteWriteClient(
            configuration: configuration, transport: receiver, logger: Logger(label: "remote-write-test"),
            sleep: { await sleeps.record($0) }, random: { 0.5 })
    }

    static let series = [
        TimeSeries(labels: [Label("__name__", "m"), Label("gpu", "0")], samples: (1...5).map { Sample(value: Double($0), timestamp: Int64($0)) })
    ]

    @Test func retriesServerErrorsAndTooManyRequestsWithBackoff() async throws {
        let receiver = ScriptedReceiver([
            .status(503), .status(500), .fail(.connection("reset")), .status(429, retryAfter: .milliseconds(700)), .status(200),
        ])
        let sleeps = SleepRecorder()
        let report = try await Self.client(receiver, sleeps: sleeps, retries: 4).write(Self.series)
        #expect(report.attempts == 5)
        #expect(report.requests == 1)
        #expect(report.samples == 5)
        // Half of 100·2^(n−1) ms plus half of that again (random 0.5), capped at 1 s; Retry-After raises the 4th.
        #expect(await sleeps.delays == [.milliseconds(75), .milliseconds(150), .milliseconds(300), .milliseconds(700)])
        let requests = try await receiver.requests()
        #expect(requests.count == 5 && Set(requests.map(\.sampleCount)) == [5])
    }

    @Test func otherClientErrorsAreNotRetried() async throws {
        let receiver = ScriptedReceiver([.status(400), .status(204)])
        let sleeps = SleepRecorder()
        await #expect(throws: RemoteWriteError.rejected(endpoint: Self.endpoint, status: 400, message: "answer 400", attempts: 1)) {
            try await Self.client(receiver, sleeps: sleeps).write(Self.series)
        }
        #expect(await receiver.bodies.count == 1)
        #expect(await sleeps.delays.isEmpty)
    }

    @Test func givesUpAfterTheRetryBudget() async throws {
        let receiver = ScriptedReceiver(Array(repeating: .fail(.timeout), count: 10))
        let sleeps = SleepRecorder()
        await #expect(throws: RemoteWriteError.gaveUp(endpoint: Self.endpoint, attempts: 3, last: .timeout)) {
            try await Self.client(receiver, sleeps: sleeps, retries: 2).write(Self.series)
        }
        #expect(await receiver.bodies.count == 3)
    }

    @Test func invalidSeriesSendNothing() async throws {
        let receiver = ScriptedReceiver([])
        let bad = [Self.series[0], TimeSeries(labels: [Label("gpu", "1")], samples: [Sample(value: 1, timestamp: 1)])]
        await #expect(throws: RemoteWriteError.invalidSeries(.missingMetricName(labels: [Label("gpu", "1")]))) {
            try await Self.client(receiver, sleeps: SleepRecorder()).write(bad)
        }
        #expect(await receiver.bodies.isEmpty)
    }

    @Test func sendsTheSpecHeaders() async throws {
        let receiver = ScriptedReceiver([])
        try await Self.client(receiver, sleeps: SleepRecorder()).write(Self.series)
        let headers = try #require(await receiver.headers.first)
        #expect(headers["Content-Encoding"] == "snappy")
        #expect(headers["Content-Type"] == "application/x-protobuf")
        #expect(headers["X-Prometheus-Remote-Write-Version"] == "0.1.0")
        #expect(headers["User-Agent"]?.hasPrefix("greencap/") == true)
        #expect(headers["Authorization"] == "Bearer t0k")
    }

    @Test func batchesSplitLongSeriesInOrder() async throws {
        let long = TimeSeries(labels: [Label("__name__", "long")], samples: (1...7).map { Sample(value: Double($0), timestamp: Int64($0)) })
        let short = TimeSeries(labels: [Label("__name__", "short")], samples: [Sample(value: 9, timestamp: 9)])
        let receiver = ScriptedReceiver([])
        let report = try await Self.client(receiver, sleeps: SleepRecorder(), maximumSamples: 3).write([long, short])
        #expect(report.requests == 3 && report.samples == 8)
        let requests = try await receiver.requests()
        #expect(requests.map { $0.timeseries.map(\.metricName) } == [["long"], ["long"], ["long", "short"]])
        #expect(requests.flatMap { $0.timeseries.filter { $0.metricName == "long" }.flatMap(\.samples) } == long.samples)
    }

    @Test func backoffIsCappedAndJittered() {
        let policy = BackoffPolicy(retries: 10, base: .seconds(1), cap: .seconds(8))
        #expect(policy.delay(attempt: 1, random: 0) == .milliseconds(500))
        #expect(policy.delay(attempt: 1, random: 1) == .seconds(1))
        #expect(policy.delay(attempt: 4, random: 0) == .seconds(4))
        #expect(policy.delay(attempt: 40, random: 1) == .seconds(8))
        #expect(policy.delay(attempt: 1, retryAfter: .seconds(60), random: 0) == .seconds(8))
    }

    @Test func basicAuthIsBase64() {
        #expect(RemoteWriteAuthorization.basic(username: "Aladdin", password: "open sesame").headerValue == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
        #expect(Base64.encode(Array("a".utf8)) == "YQ==" && Base64.encode(Array("ab".utf8)) == "YWI=" && Base64.encode([]) == "")
    }

    @Test func refusesANonHTTPEndpoint() async {
        let client = RemoteWriteClient(
            configuration: RemoteWriteConfiguration(endpoint: "ftp://x/write"), transport: ScriptedReceiver([]), logger: Logger(label: "t"))
        await #expect(throws: RemoteWriteError.invalidEndpoint("ftp://x/write")) { try await client.write(Self.series) }
    }
}
