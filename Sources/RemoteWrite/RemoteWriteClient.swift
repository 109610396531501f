import Logging

/// What one `write` delivered.
public struct WriteReport: Sendable, Equatable {
    public var requests = 0
    public var samples = 0
    public var protobufBytes = 0
    /// Bodies as sent (snappy).
    public var compressedBytes = 0
    /// Requests sent, retries included.
    public var attempts = 0

    public init() {}
}

/// Sends series to a remote-write 1.0 receiver: validates, batches, encodes, compresses, POSTs, and retries
/// what the spec says may be retried (5xx, 429, connection failures), never other 4xx.
///
/// Requests go out one at a time and in order: two pieces of one long series must not race, or the
/// receiver would see the later one first and refuse the other as out of order.
public struct RemoteWriteClient: Sendable {
    public let configuration: RemoteWriteConfiguration
    let transport: any RemoteWriteTransport
    let logger: Logger
    let sleep: @Sendable (Duration) async throws -> Void
    let random: @Sendable () -> Double

    /// Over AsyncHTTPClient's shared client.
    public init(configuration: RemoteWriteConfiguration, logger: Logger) {
        self.init(configuration: configuration, transport: HTTPClientRemoteWriteTransport(logger: logger), logger: logger)
    }

    /// `sleep` and `random` are seams for tests of the backoff; the defaults are the real ones.
    public init(
        configuration: RemoteWriteConfiguration,
        transport: any RemoteWriteTransport,
        logger: Logger,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.configuration = configuration
        self.transport = transport
        self.logger = logger
        self.sleep = sleep
        self.random = random
    }

    /// Sends the series in as many requests as `maximumSamplesPerRequest` needs. Every series is checked
    /// before the first request, so invalid input sends nothing. On failure the error says which request
    /// failed; the ones before it were stored.
    @discardableResult
    public func write(_ series: [TimeSeries]) async throws(RemoteWriteError) -> WriteReport {
        var normalized: [TimeSeries] = []
        normalized.reserveCapacity(series.count)
        for one in series {
            do throws(SeriesValidationError) {
                normalized.append(try SeriesValidator.normalized(one))
            } catch {
                throw .invalidSeries(error)
            }
        }
        var report = WriteReport()
        for request in Batcher.batches(normalized, maximumSamples: configuration.maximumSamplesPerRequest) {
            let sent = try await post(protobuf: WriteRequestEncoder.encodeUnchecked(request))
            report.requests += 1
            report.samples += request.sampleCount
            report.protobufBytes += sent.protobufBytes
            report.compressedBytes += sent.compressedBytes
            report.attempts += sent.attempts
        }
        return report
    }

    /// Compresses and sends one encoded WriteRequest as it is, with the retries. For bodies built elsewhere,
    /// and for tests that must send what a receiver refuses.
    @discardableResult
    public func post(protobuf: [UInt8]) async throws(RemoteWriteError) -> WriteReport {
        let endpoint = configuration.endpoint
        guard endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://") else { throw .invalidEndpoint(endpoint) }
        let body = SnappyCompressor.compress(protobuf)
        let headers = requestHeaders()
        var attempt = 0
        while true {
            attempt += 1
            let failure: RetryableFailure
            var retryAfter: Duration?
            switch await attemptOnce(body: body, headers: headers) {
            case .delivered:
                logger.trace("remote-write sent", metadata: ["endpoint": "\(endpoint)", "bytes": "\(body.count)", "attempts": "\(attempt)"])
                var report = WriteReport()
                report.requests = 1
                report.protobufBytes = protobuf.count
                report.compressedBytes = body.count
                report.attempts = attempt
                return report
            case .refused(let status, let message):
                logger.error("remote-write refused", metadata: ["endpoint": "\(endpoint)", "status": "\(status)", "message": "\(message)"])
                throw .rejected(endpoint: endpoint, status: status, message: message, attempts: attempt)
            case .failed(let reason, let after):
                failure = reason
                retryAfter = after
            }
            guard attempt <= configuration.backoff.retries else {
                logger.error("remote-write gave up", metadata: ["endpoint": "\(endpoint)", "attempts": "\(attempt)", "last": "\(failure)"])
                throw .gaveUp(endpoint: endpoint, attempts: attempt, last: failure)
            }
            let delay = configuration.backoff.delay(attempt: attempt, retryAfter: retryAfter, random: random())
            logger.warning(
                "remote-write will retry",
                metadata: ["endpoint": "\(endpoint)", "attempt": "\(attempt)", "failure": "\(failure)", "delay": "\(delay)"])
            do { try await sleep(delay) } catch { throw .cancelled(endpoint: endpoint) }
        }
    }

    private enum Outcome {
        case delivered
        case refused(status: Int, message: String)
        case failed(RetryableFailure, retryAfter: Duration?)
    }

    /// One POST, sorted by what the spec lets a sender do next.
    private func attemptOnce(body: [UInt8], headers: [(name: String, value: String)]) async -> Outcome {
        let response: RemoteWriteResponse
        do throws(RemoteWriteTransportFailure) {
            response = try await transport.post(url: configuration.endpoint, headers: headers, body: body, timeout: configuration.timeout)
        } catch {
            switch error {
            case .timeout: return .failed(.timeout, retryAfter: nil)
            case .connection(let reason): return .failed(.connection(reason), retryAfter: nil)
            }
        }
        switch response.status {
        case 200..<300: return .delivered
        case 429, 500..<600: return .failed(.status(response.status, message: Self.message(response.body)), retryAfter: response.retryAfter)
        default: return .refused(status: response.status, message: Self.message(response.body))
        }
    }

    /// The spec's required headers, plus credentials.
    func requestHeaders() -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [
            ("Content-Encoding", "snappy"),
            ("Content-Type", "application/x-protobuf"),
            ("X-Prometheus-Remote-Write-Version", RemoteWriteVersion.header),
            ("User-Agent", configuration.userAgent),
        ]
        if let authorization = configuration.authorization.headerValue { headers.append(("Authorization", authorization)) }
        return headers
    }

    /// The start of an answer's body, on one line, for logs and errors.
    static func message(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(512), as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
