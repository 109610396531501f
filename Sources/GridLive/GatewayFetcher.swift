import GreencapCore
import Logging

/// One API's calls: asks the ledger, builds the URL, fetches, parses, classifies the result code, and
/// retries what may pass with backoff. A refused key or a spent quota ends the fetch at once.
struct GatewayFetcher: Sendable {
    let settings: LiveSourceSettings
    let transport: any FeedTransport
    let ledger: QuotaLedger
    let logger: Logger
    let clock: @Sendable () -> Int64
    let sleep: @Sendable (Duration) async throws -> Void

    /// A fetched page: its number, what it said, and its bytes (for the cache).
    struct Fetched: Sendable {
        var number: Int
        var page: GatewayPage
        var body: [UInt8]
    }

    /// Every page of one query: page 1, then on while the pages so far hold fewer rows than `totalCount`.
    func fetchAll(_ parameters: [(String, String)], key: ServiceKey) async throws(LiveFeedError) -> [Fetched] {
        var pages: [Fetched] = []
        var number = 1
        while true {
            let fetched = try await fetchPage(parameters, page: number, key: key, purpose: number == 1 ? .scheduled : .continuation)
            pages.append(fetched)
            let rows = pages.reduce(0) { $0 + $1.page.items.count }
            guard let total = fetched.page.totalCount, rows < total, !fetched.page.items.isEmpty else { break }
            // A gateway that keeps answering pages past its total would otherwise spend the day's calls.
            guard number < 50 else { break }
            number += 1
        }
        return pages
    }

    /// The first page of a query only (the national 5-minute feed: its newest rows).
    func fetchPage(
        _ parameters: [(String, String)], page: Int, key: ServiceKey, purpose: QuotaLedger.Purpose
    ) async throws(LiveFeedError) -> Fetched {
        let query =
            [("serviceKey", key.value)] + parameters + [
                ("pageNo", String(page)), ("numOfRows", String(settings.pageSize)), ("dataType", settings.dataType.rawValue.uppercased()),
            ]
        let url = QueryString.url(base: settings.url, path: settings.api.servicePath ?? "", parameters: query)
        let body = try await get(url: url, page: page, purpose: purpose) { (body) throws(LiveFeedError) in
            let parsed = try GatewayParser.parse(body, api: settings.api, page: page)
            try classify(parsed, page: page, key: key)
            return parsed
        }
        return Fetched(number: page, page: body.0, body: body.1)
    }

    /// A whole document at a URL (the Greencap JSON feed), with the same budget and retries.
    func fetchDocument<Value: Sendable>(_ read: ([UInt8]) throws(LiveFeedError) -> Value) async throws(LiveFeedError) -> Value {
        try await get(url: settings.url, page: 1, purpose: .scheduled, read).0
    }

    /// One call and its retries. `read` turns a 200 body into a value or a classified error.
    private func get<Value: Sendable>(
        url: String, page: Int, purpose: QuotaLedger.Purpose, _ read: ([UInt8]) throws(LiveFeedError) -> Value
    ) async throws(LiveFeedError) -> (Value, [UInt8]) {
        var attempt = 0
        while true {
            switch ledger.claim(settings.budget, purpose: attempt == 0 ? purpose : .retry, now: clock()) {
            case .granted: break
            case .paced(let at): throw .paced(api: settings.api, nextUTC: at)
            case .refused(let error): throw error
            }
            let error: LiveFeedError
            do throws(LiveFeedError) {
                return try await call(url: url, page: page, read: read)
            } catch let failure {
                error = failure
            }
            attempt += 1
            guard error.isRetryable, attempt <= settings.retry.retries else { throw error }
            let delay = settings.retry.delay(attempt: attempt)
            logger.notice(
                "grid live: call failed, retrying",
                metadata: ["source": "\(settings.name)", "error": "\(error)", "retry": "\(attempt)/\(settings.retry.retries)", "after": "\(delay)"])
            do {
                try await sleep(delay)
            } catch {
                throw .transport(api: settings.api, page: page, reason: "stopped while waiting to retry")
            }
        }
    }

    private func call<Value: Sendable>(url: String, page: Int, read: ([UInt8]) throws(LiveFeedError) -> Value) async throws(LiveFeedError) -> (Value, [UInt8]) {
        let response: TransportResponse
        do {
            response = try await transport.get(url: url, timeout: settings.timeout)
        } catch {
            switch error {
            case .timeout: throw .timeout(api: settings.api, page: page, after: settings.timeout)
            case .truncated(let reason), .connection(let reason): throw .transport(api: settings.api, page: page, reason: reason)
            case .tooLarge(let limit): throw .transport(api: settings.api, page: page, reason: "the answer is larger than \(limit) bytes")
            }
        }
        guard response.status == 200 else {
            // The gateway wraps some refusals in its XML envelope with a non-200 status: its code says more.
            if settings.api.isGateway, let parsed = try? GatewayParser.parse(response.body, api: settings.api, page: page), !parsed.isNormal {
                return (try read(response.body), response.body)
            }
            throw .httpStatus(api: settings.api, page: page, status: response.status)
        }
        return (try read(response.body), response.body)
    }

    /// Turns a gateway result code into the error it means; returns for a normal answer.
    func classify(_ page: GatewayPage, page number: Int, key: ServiceKey) throws(LiveFeedError) {
        guard !page.isNormal else { return }
        let code = page.resultCode.count == 1 ? "0" + page.resultCode : page.resultCode
        switch code {
        case "22":
            let until = KSTCalendar.nextMidnightUTC(after: clock())
            ledger.blockForQuota(settings.budget, untilUTC: until, now: clock())
            throw .quotaExceeded(api: settings.api, untilUTC: until)
        case "20", "21", "30", "31", "32", "33":
            var message = page.resultMessage
            if key.looksURLEncoded { message += (message.isEmpty ? "" : "; ") + "the key file seems to hold the URL-encoded key" }
            throw .keyRejected(api: settings.api, code: code, message: message, keyFile: key.path)
        case "10", "11", "12":
            throw .requestRejected(api: settings.api, page: number, code: code, message: page.resultMessage)
        default:
            throw .gateway(api: settings.api, page: number, code: code, message: page.resultMessage)
        }
    }
}
