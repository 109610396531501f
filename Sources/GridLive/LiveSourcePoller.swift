import GreencapCore
import Logging

/// What one poll of one source brought.
public struct PollReport: Sendable {
    public var rows = MappedRows()
    /// Why the poll stopped early or fetched nothing; nil when it did all it meant to.
    public var failure: LiveFeedError?
    /// Days skipped because their pages are cached.
    public var cachedDays = 0
    /// HTTP calls made, retries included.
    public var calls = 0
}

/// Polls one configured source: decides what to ask for (per API), fetches through the budget, maps
/// rows to records, caches finished days, and logs each blocking condition once, when it starts and
/// when it ends. Owned by one task; the collector's `GridLiveService` runs one per source.
public struct LiveSourcePoller: Sendable {
    public let settings: LiveSourceSettings
    let fetcher: GatewayFetcher
    let cache: PageCache
    let logger: Logger
    let ledger: QuotaLedger
    /// After a refused key: no calls until this time, unless the key file changes first.
    private var keyHold: (untilUTC: Int64, key: String, error: LiveFeedError)?
    /// The blocking condition last logged, so it is said once.
    private var announced: String?
    /// `pv-by-region`: days that came back empty, with the KST day they were asked on (asked again tomorrow).
    private var emptyDays: [Int64: Int64] = [:]
    /// `jeju-5m`: the last KST day fetched, fetched once more after midnight to complete it.
    private var lastJejuDay: Int64?

    /// How long a refused key keeps the source quiet when its file does not change.
    public static let keyHoldSeconds: Int64 = 6 * 3600

    public init(
        settings: LiveSourceSettings, transport: any FeedTransport, ledger: QuotaLedger, cache: PageCache, logger: Logger,
        clock: @escaping @Sendable () -> Int64 = { Timestamp.nowMilliseconds() / 1000 },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.settings = settings
        self.cache = cache
        self.ledger = ledger
        var logger = logger
        logger[metadataKey: "source"] = "\(settings.name)"
        self.logger = logger
        fetcher = GatewayFetcher(settings: settings, transport: transport, ledger: ledger, logger: logger, clock: clock, sleep: sleep)
    }

    public mutating func poll() async -> PollReport {
        let before = ledger.status(settings.budget, now: fetcher.clock()).calls
        var report = PollReport()
        do throws(LiveFeedError) {
            if settings.api == .greencapJSON {
                let region = settings.region
                report.rows = try await fetcher.fetchDocument { (body) throws(LiveFeedError) in
                    try GreencapFeedDocument.parse(body, expectedRegion: region)
                }
            } else {
                let key = try currentKey()
                switch settings.api {
                case .sumperfuel5m:
                    let page = try await fetcher.fetchPage([], page: 1, key: key, purpose: .scheduled)
                    report.rows = NationalFuelMix.map(page.page, pageNumber: 1)
                case .jeju5m: try await pollJeju(key: key, into: &report)
                case .pvByRegion: try await pollRegionalSolar(key: key, into: &report)
                case .smpDemand: try await pollDayAhead(key: key, into: &report)
                case .greencapJSON: break
                }
            }
            if let announced {
                logger.notice("grid live: calls succeed again", metadata: ["after": "\(announced)"])
                self.announced = nil
            }
        } catch {
            report.failure = error
            note(error)
        }
        report.calls = max(0, ledger.status(settings.budget, now: fetcher.clock()).calls - before)
        for (index, rejected) in report.rows.rejected.enumerated() where index < 5 {
            logger.warning("grid live: row rejected", metadata: ["problem": "\(rejected)"])
        }
        if report.rows.rejected.count > 5 {
            logger.warning("grid live: more rows rejected", metadata: ["count": "\(report.rows.rejected.count - 5)"])
        }
        return report
    }

    /// The key from its file; after a refusal, the same key is not tried again until the hold ends.
    private mutating func currentKey() throws(LiveFeedError) -> ServiceKey {
        guard let path = settings.keyFile else { throw .keyFile(path: "(none)", problem: "no key_file is configured for \(settings.api.rawValue)") }
        let key = try ServiceKey.load(path: path)
        if let hold = keyHold {
            if hold.key == key.value && fetcher.clock() < hold.untilUTC { throw hold.error }
            keyHold = nil
        }
        return key
    }

    private mutating func note(_ error: LiveFeedError) {
        switch error {
        case .paced:
            logger.debug("grid live: waiting for the day's call spread", metadata: ["detail": "\(error)"])
        case .keyRejected, .keyFile, .quotaExceeded, .budgetSpent:
            if case .keyRejected = error, let path = settings.keyFile, let key = try? ServiceKey.load(path: path), keyHold == nil {
                keyHold = (fetcher.clock() + Self.keyHoldSeconds, key.value, error)
            }
            let text = "\(error)"
            guard announced != text else { return }
            announced = text
            if case .keyRejected = error {
                logger.error("grid live: \(text); no calls to this API for 6 h or until the key file changes")
            } else {
                logger.error("grid live: \(text)")
            }
        default:
            logger.warning("grid live: poll failed", metadata: ["error": "\(error)"])
        }
    }

    // MARK: Per-API plans

    /// Today's series so far (one call gives the whole day), and yesterday's once more after midnight.
    private mutating func pollJeju(key: ServiceKey, into report: inout PollReport) async throws(LiveFeedError) {
        let today = KSTCalendar.dayNumber(fetcher.clock())
        var days = [today]
        if let last = lastJejuDay, last < today { days.insert(last, at: 0) }
        for day in days {
            for fetched in try await fetcher.fetchAll([("baseDate", KSTCalendar.yyyymmdd(dayNumber: day))], key: key) {
                report.rows.append(JejuGrid.map(fetched.page, pageNumber: fetched.number))
            }
            lastJejuDay = day
        }
    }

    /// Past days not yet cached, oldest first, at most `daysPerPoll`; two empty days in a row mark where
    /// KPX's publication has got to, and an empty day is asked again the next KST day at the earliest.
    private mutating func pollRegionalSolar(key: ServiceKey, into report: inout PollReport) async throws(LiveFeedError) {
        let today = KSTCalendar.dayNumber(fetcher.clock())
        var fetchedDays = 0
        var emptyInARow = 0
        for day in (today - Int64(settings.lookbackDays))..<today {
            let label = KSTCalendar.yyyymmdd(dayNumber: day)
            if cache.contains(.pvByRegion, day: label) {
                report.cachedDays += 1
                continue
            }
            if emptyDays[day] == today { continue }
            guard fetchedDays < settings.daysPerPoll, emptyInARow < 2 else { break }
            fetchedDays += 1
            let pages = try await fetcher.fetchAll([("tradeYmd", label)], key: key)
            var rows = MappedRows()
            for fetched in pages { rows.append(RegionalSolar.map(fetched.page, pageNumber: fetched.number, region: settings.region)) }
            let total = pages.reduce(0) { $0 + $1.page.items.count }
            if total == 0 {
                emptyDays[day] = today
                emptyInARow += 1
                continue
            }
            emptyInARow = 0
            report.rows.append(rows)
            store(pages, day: label)
        }
    }

    /// Today's day-ahead figures until complete, and tomorrow's from 17:30 KST (when KPX starts publishing).
    private mutating func pollDayAhead(key: ServiceKey, into report: inout PollReport) async throws(LiveFeedError) {
        let now = fetcher.clock()
        let today = KSTCalendar.dayNumber(now)
        var days = [today]
        if KSTCalendar.secondOfDay(now) >= 17 * 3600 + 1800 { days.append(today + 1) }
        for day in days {
            let label = KSTCalendar.yyyymmdd(dayNumber: day)
            if cache.contains(.smpDemand, day: label) {
                report.cachedDays += 1
                continue
            }
            let pages = try await fetcher.fetchAll([("date", label)], key: key)
            let rows = DayAheadDemand.map(pages.map { ($0.number, $0.page) }, issuedUTC: now)
            report.rows.append(rows)
            // Both areas, all 24 hours: the day is published in full and will not change.
            if rows.forecasts.count >= 48 && rows.rejected.isEmpty { store(pages, day: label) }
        }
    }

    private func store(_ pages: [GatewayFetcher.Fetched], day: String) {
        do {
            try cache.store(settings.api, day: day, pages: pages.map(\.body), dataType: settings.dataType)
        } catch {
            logger.warning("grid live: cannot cache pages; the day will be fetched again", metadata: ["day": "\(day)", "reason": "\(error)"])
        }
    }
}
